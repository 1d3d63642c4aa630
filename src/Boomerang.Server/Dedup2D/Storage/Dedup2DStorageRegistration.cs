using Boomerang.Server.Dedup2D.BuiltIn;
using Boomerang.Server.Storage;

namespace Boomerang.Server.Dedup2D.Storage;

/// <summary>The one place that picks where Dedup2D's data lives: beside the job store, by its provider. Redis uses the
/// process's one connection and the store's key prefix; SQLite and PostgreSQL the job store's file or schema.</summary>
internal static class Dedup2DStorageRegistration
{
    public static IServiceCollection AddDedup2DStorage(this IServiceCollection services, IConfiguration configuration)
    {
        var storage = configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
        if (storage.UsesRedis)
        {
            services.AddSingleton<IDedup2DRecords, RedisDedup2DRecords>();
            services.AddSingleton<IDrawingRowStore, RedisDrawingRowStore>();
        }
        else
        {
            services.AddSingleton<IDedup2DRecords, SqlDedup2DRecords>();
            services.AddSingleton<IDrawingRowStore, SqlDrawingRowStore>();
        }
        services.AddSingleton<Dedup2DStore>();
        return services;
    }
}
