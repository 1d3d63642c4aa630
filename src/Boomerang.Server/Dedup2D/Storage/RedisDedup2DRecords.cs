using Boomerang.Server.Storage;
using Boomerang.Server.Storage.Redis;
using StackExchange.Redis;

namespace Boomerang.Server.Dedup2D.Storage;

/// <summary>Geometry and tenant config in Redis under the store's key prefix, where the seed kept them (reference §6.2,
/// §8.6): <c>{p}:geom:{file_hash}</c> and <c>{p}:tenant_config:{tenant_id}</c>, each a JSON string.</summary>
internal sealed class RedisDedup2DRecords(IConnectionMultiplexer redis, RedisKeys keys) : IDedup2DRecords
{
    public Task<string?> GetGeometryAsync(string fileHash, CancellationToken ct) =>
        RedisData.RunAsync(async db => (string?)await db.StringGetAsync(Geometry(fileHash)).ConfigureAwait(false), redis, ct);

    public Task PutGeometryAsync(string fileHash, string json, CancellationToken ct) =>
        RedisData.RunAsync(db => db.StringSetAsync(Geometry(fileHash), json), redis, ct);

    public Task DeleteGeometryAsync(string fileHash, CancellationToken ct) =>
        RedisData.RunAsync(db => db.KeyDeleteAsync(Geometry(fileHash)), redis, ct);

    public Task<string?> GetConfigAsync(string tenantId, CancellationToken ct) =>
        RedisData.RunAsync(async db => (string?)await db.StringGetAsync(Config(tenantId)).ConfigureAwait(false), redis, ct);

    public Task PutConfigAsync(string tenantId, string json, CancellationToken ct) =>
        RedisData.RunAsync(db => db.StringSetAsync(Config(tenantId), json), redis, ct);

    public Task DeleteConfigAsync(string tenantId, CancellationToken ct) =>
        RedisData.RunAsync(db => db.KeyDeleteAsync(Config(tenantId)), redis, ct);

    private RedisKey Geometry(string fileHash) => $"{keys.Prefix}:geom:{fileHash}";

    private RedisKey Config(string tenantId) => $"{keys.Prefix}:tenant_config:{tenantId}";
}

/// <summary>Runs a Dedup2D Redis call, turning "Redis is not reachable" into <see cref="StoreUnavailableException"/> as the
/// job store does (the API answers 503, start-up waits).</summary>
internal static class RedisData
{
    public static async Task<T> RunAsync<T>(Func<IDatabase, Task<T>> work, IConnectionMultiplexer redis, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        try
        {
            return await work(redis.GetDatabase()).ConfigureAwait(false);
        }
        catch (Exception e) when (RedisJobStore.IsUnavailable(e))
        {
            throw new StoreUnavailableException("Redis is unavailable: " + e.Message, e);
        }
    }
}
