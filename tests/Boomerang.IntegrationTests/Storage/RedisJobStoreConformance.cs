using Boomerang.Server.Storage;

namespace Boomerang.IntegrationTests.Storage;

/// <summary>The conformance suite on a real redis-server (AOF on), each test under a fresh key prefix.</summary>
public sealed class RedisJobStoreConformance : JobStoreConformance
{
    private readonly RedisTestStore _store = new();

    private protected override Task<IJobStore> CreateStoreAsync(TimeProvider time) => _store.CreateAsync(time);

    protected override Task DestroyStoreAsync() => _store.DisposeAsync().AsTask();
}
