using Boomerang.Server.Storage;

namespace Boomerang.IntegrationTests.Storage;

/// <summary>The conformance suite on a real PostgreSQL server, each test in a fresh schema.</summary>
public sealed class PostgresJobStoreConformance : JobStoreConformance
{
    private readonly PostgresTestStore _store = new();

    private protected override Task<IJobStore> CreateStoreAsync(TimeProvider time) => _store.CreateAsync(time);

    protected override Task DestroyStoreAsync() => _store.DisposeAsync().AsTask();
}
