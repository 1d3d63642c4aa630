using Boomerang.IntegrationTests.Infrastructure;
using Boomerang.Server.Storage;
using Boomerang.Server.Storage.Postgres;
using Boomerang.Server.Storage.Redis;
using Boomerang.Server.Storage.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using StackExchange.Redis;

namespace Boomerang.IntegrationTests.Storage;

/// <summary>A real store for one test, made once and cleaned up after: the setup every per-store suite shares.</summary>
internal interface ITestJobStore : IAsyncDisposable
{
    Task<IJobStore> CreateAsync(TimeProvider time);
}

/// <summary>A SQLite file in a fresh temp folder.</summary>
internal sealed class SqliteTestStore : ITestJobStore
{
    private readonly TempFolder _folder = new();
    private SqliteJobStore? _store;

    public Task<IJobStore> CreateAsync(TimeProvider time)
    {
        _store = new SqliteJobStore(Path.Combine(_folder.Path, "store.db"), 500, time);
        return Task.FromResult<IJobStore>(_store);
    }

    public async ValueTask DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }
        _folder.Dispose();
    }
}

/// <summary>A fresh schema on the test PostgreSQL server.</summary>
internal sealed class PostgresTestStore : ITestJobStore
{
    private readonly TestSchema _schema = new();
    private NpgsqlDataSource? _db;

    /// <summary>The store's data source (after <see cref="CreateAsync"/>), for tests that work on its tables directly.</summary>
    public NpgsqlDataSource DataSource => _db ?? throw new InvalidOperationException("CreateAsync first");

    public async Task<IJobStore> CreateAsync(TimeProvider time)
    {
        var schema = new PostgresSchema(_schema.Name);
        _db = PostgresSchema.CreateDataSource(await TestPostgres.ConnectionStringAsync(), schema);
        return new PostgresJobStore(_db, schema, time);
    }

    public async ValueTask DisposeAsync()
    {
        if (_db is not null)
        {
            await _db.DisposeAsync();
        }
        await _schema.DisposeAsync();
    }
}

/// <summary>A fresh key prefix on the test redis-server (AOF on).</summary>
internal sealed class RedisTestStore : ITestJobStore
{
    private ConnectionMultiplexer? _redis;

    /// <summary>The store's key prefix, for tests that read its keys.</summary>
    public string Prefix { get; } = TestRedis.NewPrefix();

    /// <summary>The store's connection (after <see cref="CreateRedisAsync"/>).</summary>
    public ConnectionMultiplexer Redis => _redis ?? throw new InvalidOperationException("no store was created");

    public async Task<IJobStore> CreateAsync(TimeProvider time) => await CreateRedisAsync(time);

    public async Task<RedisJobStore> CreateRedisAsync(TimeProvider time)
    {
        var options = new RedisStorageOptions { Configuration = await TestRedis.ConfigurationAsync(), KeyPrefix = Prefix };
        _redis = RedisRegistration.Connect(options);
        return new RedisJobStore(_redis, new RedisKeys(Prefix), new RedisDurability(options, NullLogger<RedisDurability>.Instance), time);
    }

    public async ValueTask DisposeAsync()
    {
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
    }
}
