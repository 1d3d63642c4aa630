namespace Boomerang.Server.Storage;

internal sealed class StorageOptions
{
    public const string Section = "Boomerang:Storage";
    /// <summary>sqlite, postgres or redis; empty picks postgres when a PostgreSQL connection string is set, else sqlite.</summary>
    public string Provider { get; set; } = "";
    public SqliteStorageOptions Sqlite { get; set; } = new();
    public PostgresStorageOptions Postgres { get; set; } = new();
    public Redis.RedisStorageOptions Redis { get; set; } = new();

    public bool UsesRedis => Provider.Trim().Equals("redis", StringComparison.OrdinalIgnoreCase);

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
