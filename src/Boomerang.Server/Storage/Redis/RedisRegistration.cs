using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Boomerang.Server.Storage.Redis;

internal static class RedisRegistration
{
    /// <summary>One <see cref="IConnectionMultiplexer"/> per process, the Redis <see cref="IJobStore"/> and, on nodes that
    /// run background loops, the listener that wakes them.</summary>
    public static IServiceCollection AddRedisStorage(this IServiceCollection services, bool wakesLoops)
    {
        services.AddSingleton<IValidateOptions<StorageOptions>, RedisStorageOptionsValidator>();
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<StorageOptions>>().Value.Redis);
        services.AddSingleton(sp => new RedisKeys(sp.GetRequiredService<RedisStorageOptions>().KeyPrefix));
        services.AddSingleton<IConnectionMultiplexer>(sp => Connect(sp.GetRequiredService<RedisStorageOptions>()));
        services.AddSingleton<RedisDurability>();
        services.AddSingleton<IJobStore>(sp => new RedisJobStore(sp.GetRequiredService<IConnectionMultiplexer>(),
            sp.GetRequiredService<RedisKeys>(), sp.GetRequiredService<RedisDurability>(), sp.GetRequiredService<TimeProvider>()));
        if (wakesLoops)
        {
            services.AddHostedService<RedisListener>();
        }
        return services;
    }

    /// <summary>Returns at once, connected or not: the client keeps reconnecting in the background, start-up waits on its
    /// own deadline, and commands during an outage fail fast (the API answers 503) instead of queueing.</summary>
    public static ConnectionMultiplexer Connect(RedisStorageOptions options)
    {
        var o = options.ToClientOptions();
        o.BacklogPolicy = BacklogPolicy.FailFast;
        return ConnectionMultiplexer.Connect(o);
    }
}
