using Boomerang.IntegrationTests.Infrastructure;
using Boomerang.Server.Storage;
using Boomerang.Server.Storage.Postgres;
using Npgsql;

namespace Boomerang.IntegrationTests.Storage;

/// <summary>The conformance suite on a real PostgreSQL server, each test in a fresh schema.</summary>
public sealed class PostgresJobStoreConformance : JobStoreConformance
{
    private readonly TestSchema _schema = new();
    private NpgsqlDataSource? _db;

    private protected override async Task<IJobStore> CreateStoreAsync(TimeProvider time)
    {
        var schema = new PostgresSchema(_schema.Name);
        _db = PostgresSchema.CreateDataSource(await TestPostgres.ConnectionStringAsync(), schema);
        return new PostgresJobStore(_db, schema, time);
    }

    protected override async Task DestroyStoreAsync()
    {
        if (_db is not null)
        {
            await _db.DisposeAsync();
        }
        await _schema.DisposeAsync();
    }
}
