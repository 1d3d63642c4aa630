using Microsoft.Data.Sqlite;

namespace Boomerang.Server.Storage.Sqlite;

/// <summary>Versioned schema changes; each runs once, in order. The caller (the writer) runs them in one transaction.</summary>
internal static class SqliteMigrations
{
    private static readonly (int Version, string Sql)[] Steps =
    [
        (1, """
            CREATE TABLE jobs (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                id TEXT NOT NULL UNIQUE,
                tenant_id TEXT NOT NULL,
                kind TEXT NOT NULL,
                status TEXT NOT NULL,
                input TEXT NOT NULL,
                result TEXT,
                error TEXT,
                progress INTEGER NOT NULL DEFAULT 0,
                attempt INTEGER NOT NULL DEFAULT 0,
                idempotency_key TEXT,
                callback_url TEXT,
                wants_progress INTEGER NOT NULL DEFAULT 0,
                cancel_requested INTEGER NOT NULL DEFAULT 0,
                lease_owner TEXT,
                lease_expires_at REAL,
                created_at REAL NOT NULL,
                started_at REAL,
                finished_at REAL
            );
            CREATE UNIQUE INDEX jobs_idempotency ON jobs (tenant_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
            CREATE INDEX jobs_tenant ON jobs (tenant_id, seq);
            CREATE INDEX jobs_tenant_status ON jobs (tenant_id, status, seq);
            CREATE INDEX jobs_pending ON jobs (seq) WHERE status = 'pending';
            CREATE INDEX jobs_running ON jobs (lease_expires_at) WHERE status = 'in_progress';

            CREATE TABLE deliveries (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                webhook_id TEXT NOT NULL UNIQUE,
                job_id TEXT NOT NULL,
                tenant_id TEXT NOT NULL,
                event TEXT NOT NULL,
                terminal INTEGER NOT NULL,
                url TEXT NOT NULL,
                host TEXT NOT NULL,
                payload BLOB NOT NULL,
                status TEXT NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0,
                http_status INTEGER,
                last_error TEXT,
                next_attempt_at REAL,
                finished_at REAL,
                lease_owner TEXT,
                lease_expires_at REAL,
                created_at REAL NOT NULL
            );
            CREATE UNIQUE INDEX deliveries_terminal ON deliveries (job_id) WHERE terminal = 1;
            CREATE INDEX deliveries_job ON deliveries (job_id, seq);
            CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE status = 'pending';

            CREATE TABLE delivery_attempts (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                delivery_seq INTEGER NOT NULL,
                job_id TEXT NOT NULL,
                webhook_id TEXT NOT NULL,
                event TEXT NOT NULL,
                attempt INTEGER NOT NULL,
                started_at REAL NOT NULL,
                duration_ms REAL NOT NULL,
                http_status INTEGER,
                error TEXT,
                response_body TEXT
            );
            CREATE INDEX delivery_attempts_job ON delivery_attempts (job_id, seq);
            """),
        // Dedup2D: v2 geometry JSON by file hash (reference §8.6) and each tenant's search defaults (§3.4).
        (2, """
            CREATE TABLE dedup2d_geometry (
                file_hash TEXT PRIMARY KEY,
                geom_json TEXT NOT NULL,
                updated_at REAL NOT NULL
            );
            CREATE TABLE dedup2d_tenant_config (
                tenant_id TEXT PRIMARY KEY,
                config_json TEXT NOT NULL,
                updated_at REAL NOT NULL
            );
            """),
        // What an idempotency key was taken by, so the same key with a different request is refused.
        (3, "ALTER TABLE jobs ADD COLUMN request_fingerprint TEXT"),
        // Retention finds the oldest finished jobs without scanning the table.
        (4, "CREATE INDEX jobs_finished ON jobs (finished_at) WHERE status IN ('completed', 'failed', 'canceled')"),
        // The dashboard's callbacks-per-second figure counts recent deliveries.
        (5, "CREATE INDEX deliveries_finished ON deliveries (finished_at) WHERE status = 'success'"),
        // Dedup2D built-in engine: the drawing rows (created lazily before this step, hence IF NOT EXISTS), the listing
        // order, and the change sequence every node's in-memory index follows (adds and deletes made on any node).
        (6, """
            CREATE TABLE IF NOT EXISTS dedup2d_drawings (
                tenant_id TEXT NOT NULL, file_hash TEXT NOT NULL, drawing_id BIGINT NOT NULL, file_name TEXT NOT NULL,
                user_name TEXT NOT NULL, features BLOB NOT NULL, format TEXT NOT NULL, created_at REAL NOT NULL,
                PRIMARY KEY (tenant_id, file_hash));
            CREATE INDEX IF NOT EXISTS dedup2d_drawings_listing ON dedup2d_drawings (tenant_id, created_at, file_hash);
            CREATE INDEX IF NOT EXISTS dedup2d_drawings_hash ON dedup2d_drawings (file_hash);
            CREATE TABLE dedup2d_index_changes (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                tenant_id TEXT NOT NULL,
                file_hash TEXT NOT NULL,
                op TEXT NOT NULL,
                created_at REAL NOT NULL
            );
            CREATE INDEX dedup2d_index_changes_created ON dedup2d_index_changes (created_at);
            """),
        // A delivery that lands on its first attempt keeps that attempt on its own row (JobLifecycle.KeptOnDelivery).
        (7, """
            ALTER TABLE deliveries ADD COLUMN attempt_started_at REAL;
            ALTER TABLE deliveries ADD COLUMN attempt_duration_ms REAL;
            ALTER TABLE deliveries ADD COLUMN attempt_response_body TEXT;
            """),
    ];

    public static int Latest => Steps[^1].Version;

    public static void Apply(SqliteConnection connection)
    {
        connection.Run("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)");
        var current = Convert.ToInt32(connection.Command("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").ExecuteScalar(),
            System.Globalization.CultureInfo.InvariantCulture);
        foreach (var (version, sql) in Steps.Where(s => s.Version > current))
        {
            connection.Run(sql);
            connection.Run("INSERT INTO schema_migrations (version, applied_at) VALUES ($v, $t)",
                ("$v", version), ("$t", DateTimeOffset.UtcNow.ToString("O")));
        }
    }
}
