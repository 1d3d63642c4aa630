namespace Boomerang.Server.Hosting;

internal sealed class StorageOptions
{
    public const string Section = "Boomerang:Storage";
    /// <summary>sqlite or postgres; empty picks postgres when a PostgreSQL connection string is set, else sqlite.</summary>
    public string Provider { get; set; } = "";
    public SqliteStorageOptions Sqlite { get; set; } = new();
    public PostgresStorageOptions Postgres { get; set; } = new();

    public bool UsesPostgres => Provider.Trim().ToLowerInvariant() switch
    {
        "postgres" => true,
        "" => !string.IsNullOrWhiteSpace(Postgres.ConnectionString),
        _ => false,
    };
}

internal sealed class PostgresStorageOptions
{
    /// <summary>An Npgsql connection string (env alias <c>BOOMERANG_POSTGRES</c>).</summary>
    public string ConnectionString { get; set; } = "";
    /// <summary>The schema Boomerang's tables live in; several deployments can share one database under different schemas.</summary>
    public string Schema { get; set; } = "boomerang";
    /// <summary>How long a starting process waits for the database before it gives up.</summary>
    public double StartupWaitSeconds { get; set; } = 60;
}

internal sealed class SqliteStorageOptions
{
    public string Path { get; set; } = "data/boomerang.db";
    /// <summary>Writes gathered into one transaction at most; larger groups amortise fsync further.</summary>
    public int MaxGroupSize { get; set; } = 2000;
    /// <summary>FULL (default) syncs every commit to disk: an acknowledged write survives power loss. NORMAL syncs at
    /// checkpoints only: it survives a killed process but may lose the last commits on power loss.</summary>
    public string Synchronous { get; set; } = "FULL";
}

internal sealed class AuthOptions
{
    public const string Section = "Boomerang:Auth";
    public List<string> ApiKeys { get; set; } = [];
    /// <summary>The operator's token for admin features (env <c>ADMIN_TOKEN</c>); empty keeps them off.</summary>
    public string AdminToken { get; set; } = "";
}

internal sealed class ApiOptions
{
    public const string Section = "Boomerang:Api";
    public long MaxBodyBytes { get; set; } = 8 * 1024 * 1024;
    public int MaxBatchSize { get; set; } = 1000;
}

internal sealed class JobsOptions
{
    public const string Section = "Boomerang:Jobs";
    public int Concurrency { get; set; } = 16;
    public int MaxActive { get; set; } = 100_000;
    public double LeaseSeconds { get; set; } = 30;
    public int MaxAttempts { get; set; } = 3;
    public double TimeoutSeconds { get; set; } = 300;
    /// <summary>Timeouts for single kinds, overriding <see cref="TimeoutSeconds"/>.</summary>
    public Dictionary<string, double> KindTimeoutSeconds { get; set; } = new(StringComparer.Ordinal);
    public double PollIntervalSeconds { get; set; } = 1;
    public double ShutdownGraceSeconds { get; set; } = 10;
    public Dictionary<string, CommandKindOptions> Commands { get; set; } = new(StringComparer.Ordinal);

    public TimeSpan Lease => TimeSpan.FromSeconds(LeaseSeconds);

    public TimeSpan TimeoutFor(string kind) => TimeSpan.FromSeconds(
        Commands.TryGetValue(kind, out var command) && command.TimeoutSeconds is { } c ? c
        : KindTimeoutSeconds.TryGetValue(kind, out var k) ? k
        : TimeoutSeconds);
}

internal sealed class CommandKindOptions
{
    public string Path { get; set; } = "";
    public List<string> Args { get; set; } = [];
    public string? WorkingDirectory { get; set; }
    public Dictionary<string, string> Env { get; set; } = new(StringComparer.Ordinal);
    public double? TimeoutSeconds { get; set; }
}
