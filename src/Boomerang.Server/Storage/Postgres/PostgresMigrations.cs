using Npgsql;

namespace Boomerang.Server.Storage.Postgres;

/// <summary>
/// Versioned schema changes, each run once and in order, all in one transaction under a transaction-level advisory
/// lock: when ten processes start together, one migrates and the others wait, then find nothing left to do.
/// </summary>
internal static class PostgresMigrations
{
    // Times are epoch seconds from the store's clock, as in the SQLite store; slot 0 of active_jobs counts admitted
    // jobs, slots 1..16 (spread to avoid one hot row) subtract the ones that finished: their sum is the active count.
    private static readonly (int Version, string Sql)[] Steps =
    [
        (1, """
            CREATE TABLE jobs (
                seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                id text NOT NULL UNIQUE,
                tenant_id text NOT NULL,
                kind text NOT NULL,
                status text NOT NULL,
                input text NOT NULL,
                result text,
                error text,
                progress integer NOT NULL DEFAULT 0,
                attempt integer NOT NULL DEFAULT 0,
                idempotency_key text,
                callback_url text,
                wants_progress boolean NOT NULL DEFAULT false,
                cancel_requested boolean NOT NULL DEFAULT false,
                lease_owner text,
                lease_expires_at double precision,
                created_at double precision NOT NULL,
                started_at double precision,
                finished_at double precision
            );
            CREATE UNIQUE INDEX jobs_idempotency ON jobs (tenant_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
            CREATE INDEX jobs_tenant ON jobs (tenant_id, seq);
            CREATE INDEX jobs_tenant_status ON jobs (tenant_id, status, seq);
            CREATE INDEX jobs_pending ON jobs (seq) WHERE status = 'pending';
            CREATE INDEX jobs_running ON jobs (lease_expires_at) WHERE status = 'in_progress';

            CREATE TABLE active_jobs (slot integer PRIMARY KEY, n bigint NOT NULL);
            INSERT INTO active_jobs SELECT s, 0 FROM generate_series(0, 16) s;

            CREATE TABLE deliveries (
                seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                webhook_id text NOT NULL UNIQUE,
                job_id text NOT NULL,
                tenant_id text NOT NULL,
                event text NOT NULL,
                terminal boolean NOT NULL,
                url text NOT NULL,
                host text NOT NULL,
                payload bytea NOT NULL,
                status text NOT NULL,
                attempts integer NOT NULL DEFAULT 0,
                http_status integer,
                last_error text,
                next_attempt_at double precision,
                finished_at double precision,
                lease_owner text,
                lease_expires_at double precision,
                created_at double precision NOT NULL
            );
            CREATE UNIQUE INDEX deliveries_terminal ON deliveries (job_id) WHERE terminal;
            CREATE INDEX deliveries_job ON deliveries (job_id, seq);
            CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE status = 'pending';

            CREATE TABLE delivery_attempts (
                seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                delivery_seq bigint NOT NULL,
                job_id text NOT NULL,
                webhook_id text NOT NULL,
                event text NOT NULL,
                attempt integer NOT NULL,
                started_at double precision NOT NULL,
                duration_ms double precision NOT NULL,
                http_status integer,
                error text,
                response_body text
            );
            CREATE INDEX delivery_attempts_job ON delivery_attempts (job_id, seq);
            """),
        // Dedup2D: v2 geometry JSON by file hash (reference §8.6) and each tenant's search defaults (§3.4).
        (2, """
            CREATE TABLE dedup2d_geometry (
                file_hash text PRIMARY KEY,
                geom_json text NOT NULL,
                updated_at double precision NOT NULL
            );
            CREATE TABLE dedup2d_tenant_config (
                tenant_id text PRIMARY KEY,
                config_json text NOT NULL,
                updated_at double precision NOT NULL
            );
            """),
        // What an idempotency key was taken by, so the same key with a different request is refused.
        (3, "ALTER TABLE jobs ADD COLUMN request_fingerprint text"),
        // Retention finds the oldest finished jobs without scanning the table.
        (4, "CREATE INDEX jobs_finished ON jobs (finished_at) WHERE status IN ('completed', 'failed', 'canceled')"),
        // The dashboard's callbacks-per-second figure counts recent deliveries.
        (5, "CREATE INDEX deliveries_finished ON deliveries (finished_at) WHERE status = 'success'"),
        // Dedup2D built-in engine: the drawing rows (created lazily before this step, hence IF NOT EXISTS), the listing
        // order, and the change sequence every node's in-memory index follows (adds and deletes made on any node).
        (6, """
            CREATE TABLE IF NOT EXISTS dedup2d_drawings (
                tenant_id text NOT NULL, file_hash text NOT NULL, drawing_id bigint NOT NULL, file_name text NOT NULL,
                user_name text NOT NULL, features bytea NOT NULL, format text NOT NULL, created_at double precision NOT NULL,
                PRIMARY KEY (tenant_id, file_hash));
            CREATE INDEX IF NOT EXISTS dedup2d_drawings_listing ON dedup2d_drawings (tenant_id, created_at, file_hash);
            CREATE INDEX IF NOT EXISTS dedup2d_drawings_hash ON dedup2d_drawings (file_hash);
            CREATE TABLE dedup2d_index_changes (
                seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                tenant_id text NOT NULL,
                file_hash text NOT NULL,
                op text NOT NULL,
                created_at double precision NOT NULL
            );
            CREATE INDEX dedup2d_index_changes_created ON dedup2d_index_changes (created_at);
            """),
        // A delivery that lands on its first attempt keeps that attempt on its own row (JobLifecycle.KeptOnDelivery).
        (7, """
            ALTER TABLE deliveries ADD COLUMN attempt_started_at double precision,
                ADD COLUMN attempt_duration_ms double precision, ADD COLUMN attempt_response_body text
            """),
        // Fewer indexes to keep: every job row is written three times and a delivery row twice or three times, each
        // write (an update that changes status is never HOT) adding an entry to every index. Nothing looks a delivery up
        // by its webhook id (a fresh time-ordered GUID); the terminal delivery is found through deliveries_job, and that
        // a job gets one is FinishRowsAsync's and CancelAsync's rule (each moves a row it holds locked out of a live
        // status); a tenant's listing merges jobs_tenant_status by status (TenantPage), so jobs_tenant was a second copy
        // of the same order. Both tables are locked first, jobs before deliveries as the job path takes them, so an
        // older node still finishing jobs waits for the step instead of deadlocking with it.
        (8, """
            LOCK TABLE jobs, deliveries IN ACCESS EXCLUSIVE MODE;
            ALTER TABLE deliveries DROP CONSTRAINT IF EXISTS deliveries_webhook_id_key;
            DROP INDEX IF EXISTS deliveries_terminal;
            DROP INDEX IF EXISTS jobs_tenant;
            """),
    ];

    public static int Latest => Steps[^1].Version;

    public static async Task ApplyAsync(NpgsqlConnection connection, PostgresSchema schema, CancellationToken ct)
    {
        await using var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        await connection.RunAsync("SELECT pg_advisory_xact_lock(hashtextextended(@key, 0))", ct,
            ("key", $"boomerang.migrate.{schema.Name}")).ConfigureAwait(false);
        await connection.RunAsync($"""
            CREATE SCHEMA IF NOT EXISTS {schema.Quoted};
            CREATE TABLE IF NOT EXISTS {schema.Quoted}.schema_migrations (
                version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())
            """, ct).ConfigureAwait(false);
        var current = await connection.ScalarAsync<int>(
            $"SELECT COALESCE(max(version), 0) FROM {schema.Quoted}.schema_migrations", ct).ConfigureAwait(false);
        foreach (var (version, sql) in Steps.Where(s => s.Version > current))
        {
            await connection.RunAsync(sql, ct).ConfigureAwait(false);
            await connection.RunAsync("INSERT INTO schema_migrations (version) VALUES (@v)", ct, ("v", version)).ConfigureAwait(false);
        }
        await tx.CommitAsync(CancellationToken.None).ConfigureAwait(false);
    }
}
