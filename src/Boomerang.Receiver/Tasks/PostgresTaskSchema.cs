using Npgsql;

namespace Boomerang.Receiver.Tasks;

/// <summary>The task tables on PostgreSQL, in their own schema. Times are Unix milliseconds, as in the SQLite store.</summary>
internal static class PostgresTaskSchema
{
    private static readonly string[] Migrations =
    [
        """
        CREATE TABLE boomerang_tasks (
            task_id      TEXT PRIMARY KEY,
            job_id       TEXT,
            kind         TEXT NOT NULL,
            callback_url TEXT,
            status       TEXT NOT NULL,
            progress     INTEGER NOT NULL DEFAULT 0,
            result       TEXT,
            error        TEXT,
            settled_by   TEXT,
            created_at   BIGINT NOT NULL,
            updated_at   BIGINT NOT NULL,
            polled_at    BIGINT,
            lease_token  TEXT,
            lease_until  BIGINT,
            job_input    TEXT
        );
        CREATE INDEX boomerang_tasks_created ON boomerang_tasks (created_at);
        CREATE INDEX boomerang_tasks_open ON boomerang_tasks ((coalesce(polled_at, created_at)))
            WHERE status IN ('pending', 'running') AND job_id IS NOT NULL;
        CREATE INDEX boomerang_tasks_unsubmitted ON boomerang_tasks ((coalesce(polled_at, created_at)))
            WHERE status IN ('pending', 'running') AND job_id IS NULL;
        CREATE TABLE boomerang_processed_webhooks (
            webhook_id   TEXT PRIMARY KEY,
            task_id      TEXT NOT NULL,
            processed_at BIGINT NOT NULL
        );
        CREATE INDEX boomerang_processed_webhooks_at ON boomerang_processed_webhooks (processed_at);
        """,
    ];

    public static async Task ApplyAsync(NpgsqlDataSource data, string schema, CancellationToken ct)
    {
        await using var c = await data.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(ct).ConfigureAwait(false);
        // Instances starting together migrate one at a time.
        await Run(c, tx, "SELECT pg_advisory_xact_lock(hashtext('boomerang_tasks:' || $1))", ct, schema).ConfigureAwait(false);
        await Run(c, tx, $"CREATE SCHEMA IF NOT EXISTS \"{schema}\"", ct).ConfigureAwait(false);
        await Run(c, tx, $"SET LOCAL search_path TO \"{schema}\"", ct).ConfigureAwait(false);
        await Run(c, tx, "CREATE TABLE IF NOT EXISTS boomerang_tasks_schema (version INTEGER NOT NULL)", ct).ConfigureAwait(false);
        await using var read = new NpgsqlCommand("SELECT coalesce(max(version), 0) FROM boomerang_tasks_schema", c, tx);
        var current = Convert.ToInt32(await read.ExecuteScalarAsync(ct).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
        for (var v = current; v < Migrations.Length; v++)
        {
            await Run(c, tx, Migrations[v], ct).ConfigureAwait(false);
            await Run(c, tx, "INSERT INTO boomerang_tasks_schema (version) VALUES ($1)", ct, v + 1).ConfigureAwait(false);
        }
        await tx.CommitAsync(ct).ConfigureAwait(false);
    }

    private static async Task Run(NpgsqlConnection c, NpgsqlTransaction tx, string sql, CancellationToken ct, params object[] values)
    {
        await using var command = new NpgsqlCommand(sql, c, tx);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }
        await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }
}
