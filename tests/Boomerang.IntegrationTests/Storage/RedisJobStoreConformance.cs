using Boomerang.IntegrationTests.Infrastructure;
using Boomerang.Server.Storage;
using Boomerang.Server.Storage.Redis;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace Boomerang.IntegrationTests.Storage;

/// <summary>The conformance suite on a real redis-server (AOF on), each test under a fresh key prefix.</summary>
public sealed class RedisJobStoreConformance : JobStoreConformance
{
    private ConnectionMultiplexer? _redis;

    private protected override async Task<IJobStore> CreateStoreAsync(TimeProvider time)
    {
        var options = new RedisStorageOptions { Configuration = await TestRedis.ConfigurationAsync(), KeyPrefix = TestRedis.NewPrefix() };
        _redis = RedisRegistration.Connect(options);
        return new RedisJobStore(_redis, new RedisKeys(options.KeyPrefix), new RedisDurability(options, NullLogger<RedisDurability>.Instance), time);
    }

    protected override async Task DestroyStoreAsync()
    {
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
    }
}
