using Npgsql;

namespace Boomerang.Bench;

/// <summary>A fresh schema for one run against PostgreSQL, dropped when the run ends.</summary>
internal sealed class BenchSchema : IAsyncDisposable
{
    private readonly string _connectionString;

    private BenchSchema(string connectionString, string name)
    {
        _connectionString = connectionString;
        Name = name;
    }

    public string Name { get; }

    public IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["Boomerang:Storage:Provider"] = "postgres",
        ["Boomerang:Storage:Postgres:ConnectionString"] = _connectionString,
        ["Boomerang:Storage:Postgres:Schema"] = Name,
    };

    public static Task<BenchSchema> CreateAsync(string connectionString) =>
        Task.FromResult(new BenchSchema(connectionString, $"bench_{Environment.ProcessId}_{Guid.NewGuid():N}"[..30]));

    public async ValueTask DisposeAsync()
    {
        if (Environment.GetEnvironmentVariable("BENCH_KEEP_SCHEMA") == "1")
        {
            Console.WriteLine($"  kept schema {Name}");
            return;
        }
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{Name}\" CASCADE", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
