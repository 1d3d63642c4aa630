using Boomerang.Server.Storage.Postgres;
using Boomerang.Server.Storage.Sqlite;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Boomerang.Server.Storage;

internal static class StorageRegistration
{
    /// <summary>The configured provider's <see cref="IJobStore"/>; with PostgreSQL also the data source and, when
    /// <paramref name="wakesLoops"/> (the node runs a worker or a dispatcher), the listener that wakes them.</summary>
    public static IServiceCollection AddBoomerangStorage(this IServiceCollection services, IConfiguration configuration, bool wakesLoops)
    {
        var storage = configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
        if (storage.UsesRedis)
        {
            return Redis.RedisRegistration.AddRedisStorage(services, wakesLoops);
        }
        if (!storage.UsesPostgres)
        {
            services.AddSingleton<IJobStore>(sp =>
            {
                var o = sp.GetRequiredService<IOptions<StorageOptions>>().Value.Sqlite;
                return new SqliteJobStore(o.Path, o.MaxGroupSize, sp.GetRequiredService<TimeProvider>(), o.Synchronous.ToUpperInvariant());
            });
            return services;
        }
        services.AddSingleton(sp => new PostgresSchema(sp.GetRequiredService<IOptions<StorageOptions>>().Value.Postgres.Schema));
        services.AddSingleton(sp => PostgresSchema.CreateDataSource(
            sp.GetRequiredService<IOptions<StorageOptions>>().Value.Postgres.ConnectionString, sp.GetRequiredService<PostgresSchema>()));
        services.AddSingleton<IJobStore>(sp => new PostgresJobStore(
            sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<PostgresSchema>(), sp.GetRequiredService<TimeProvider>()));
        if (wakesLoops)
        {
            services.AddHostedService<PostgresListener>();
        }
        return services;
    }
}
