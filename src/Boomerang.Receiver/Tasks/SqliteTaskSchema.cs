using Microsoft.Data.Sqlite;

namespace Boomerang.Receiver.Tasks;

/// <summary>The task tables. Times are Unix milliseconds. Versioned so later changes can be applied in place.</summary>
internal static class SqliteTaskSchema
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
            created_at   INTEGER NOT NULL,
            updated_at   INTEGER NOT NULL,
            polled_at    INTEGER,
            lease_token  TEXT,
            lease_until  INTEGER
        );
        CREATE INDEX boomerang_tasks_created ON boomerang_tasks (created_at);
        CREATE INDEX boomerang_tasks_open ON boomerang_tasks (coalesce(polled_at, created_at))
            WHERE status IN ('pending', 'running') AND job_id IS NOT NULL;
        CREATE TABLE boomerang_processed_webhooks (
            webhook_id   TEXT PRIMARY KEY,
            task_id      TEXT NOT NULL,
            processed_at INTEGER NOT NULL
        );
        CREATE INDEX boomerang_processed_webhooks_at ON boomerang_processed_webhooks (processed_at);
        """,
        // v2: the job input is kept, so a task whose submit never got an answer can be submitted again.
        """
        ALTER TABLE boomerang_tasks ADD COLUMN job_input TEXT;
        CREATE INDEX boomerang_tasks_unsubmitted ON boomerang_tasks (coalesce(polled_at, created_at))
            WHERE status IN ('pending', 'running') AND job_id IS NULL;
        """,
    ];

    public static void Apply(SqliteConnection c)
    {
        using (var wal = c.CreateCommand())
        {
            wal.CommandText = "PRAGMA journal_mode = WAL;";
            wal.ExecuteNonQuery();
        }
        using var tx = c.BeginTransaction();
        c.Run("CREATE TABLE IF NOT EXISTS boomerang_tasks_schema (version INTEGER NOT NULL)", tx);
        var current = Convert.ToInt32(c.Scalar("SELECT coalesce(max(version), 0) FROM boomerang_tasks_schema", tx),
            System.Globalization.CultureInfo.InvariantCulture);
        for (var v = current; v < Migrations.Length; v++)
        {
            c.Run(Migrations[v], tx);
            c.Run("INSERT INTO boomerang_tasks_schema (version) VALUES ($v)", tx, ("$v", v + 1));
        }
        tx.Commit();
    }
}

internal static class SqliteCommands
{
    public static SqliteCommand Command(this SqliteConnection c, string sql, SqliteTransaction? tx, params ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        var command = c.CreateCommand();
        command.CommandText = sql;
        command.Transaction = tx;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }
        return command;
    }

    public static int Run(this SqliteConnection c, string sql, SqliteTransaction? tx, params ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        using var command = c.Command(sql, tx, parameters);
        return command.ExecuteNonQuery();
    }

    public static object? Scalar(this SqliteConnection c, string sql, SqliteTransaction? tx, params ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        using var command = c.Command(sql, tx, parameters);
        return command.ExecuteScalar();
    }
}
