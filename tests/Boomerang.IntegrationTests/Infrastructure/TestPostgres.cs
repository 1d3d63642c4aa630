using Npgsql;

namespace Boomerang.IntegrationTests.Infrastructure;

/// <summary>
/// The PostgreSQL server the tests share: <c>BOOMERANG_TEST_POSTGRES</c> when set (scripts/test.sh sets it), else a
/// throw-away cluster started on first use and stopped when the test process exits. Each test works in a schema of
/// its own (<see cref="TestSchema"/>), so tests run in parallel on one server.
/// </summary>
public static class TestPostgres
{
    public const string Variable = "BOOMERANG_TEST_POSTGRES";
    private static readonly Lazy<Task<string>> Server = new(StartAsync);

    public static Task<string> ConnectionStringAsync() => Server.Value;

    private static async Task<string> StartAsync()
    {
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } configured)
        {
            return configured;
        }
        var cluster = await PostgresCluster.StartNewAsync();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => cluster.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return cluster.ConnectionString;
    }
}

/// <summary>A fresh schema name on the shared server, dropped with everything in it at the end of the test.</summary>
public sealed class TestSchema : IAsyncDisposable
{
    public string Name { get; } = "t_" + Guid.NewGuid().ToString("N");

    public static async Task<(TestSchema Schema, string ConnectionString)> CreateAsync() =>
        (new TestSchema(), await TestPostgres.ConnectionStringAsync());

    /// <summary>Server settings that put a Boomerang process on this schema.</summary>
    public async Task<Dictionary<string, string>> SettingsAsync() => new()
    {
        ["Boomerang:Storage:Provider"] = "postgres",
        ["Boomerang:Storage:Postgres:ConnectionString"] = await TestPostgres.ConnectionStringAsync(),
        ["Boomerang:Storage:Postgres:Schema"] = Name,
    };

    public async ValueTask DisposeAsync()
    {
        try
        {
            await using var connection = new NpgsqlConnection(await TestPostgres.ConnectionStringAsync());
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{Name}\" CASCADE", connection);
            await drop.ExecuteNonQueryAsync();
        }
        catch (NpgsqlException)
        {
            // The server is gone (its test stopped it); nothing to clean.
        }
    }
}
