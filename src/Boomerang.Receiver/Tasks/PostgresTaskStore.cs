using System.Text.Json;
using Npgsql;

namespace Boomerang.Receiver.Tasks;

/// <summary>
/// <see cref="ITaskStore"/> on PostgreSQL, for an app with several instances: every instance shares the tasks and the
/// record of processed webhooks. A claim locks the task row (<c>FOR UPDATE</c>) while it takes the lease.
/// </summary>
internal sealed class PostgresTaskStore : ITaskStore, IAsyncDisposable
{
    private const string Columns = "task_id, job_id, kind, callback_url, status, progress, result, error, created_at, updated_at, settled_by";
    private readonly NpgsqlDataSource _data;
    private readonly string _schema;

    public PostgresTaskStore(string connectionString, string schema)
    {
        _schema = schema;
        _data = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString) { SearchPath = schema }.ConnectionString);
    }

    /// <summary>A lower-case SQL identifier: a-z, 0-9, _; starting with a letter or _; at most 63 characters.</summary>
    public static bool IsValidSchema(string schema) =>
        schema.Length is > 0 and <= 63 && (char.IsAsciiLetterLower(schema[0]) || schema[0] == '_')
        && schema.All(ch => char.IsAsciiLetterLower(ch) || char.IsAsciiDigit(ch) || ch == '_');

    public Task MigrateAsync(CancellationToken cancellationToken) => PostgresTaskSchema.ApplyAsync(_data, _schema, cancellationToken);

    public async Task CreateAsync(TrackedTask task, string? jobInput, CancellationToken cancellationToken)
    {
        await using var c = await _data.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await Run(c, null, $"""
            INSERT INTO boomerang_tasks ({Columns}, job_input)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
            """, cancellationToken, task.TaskId, task.JobId, task.Kind, task.CallbackUrl, task.Status, task.Progress,
            task.Result?.GetRawText(), task.Error, Ms(task.CreatedAt), Ms(task.UpdatedAt), task.SettledBy, jobInput).ConfigureAwait(false);
    }

    public async Task AttachJobAsync(string taskId, string jobId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var c = await _data.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await Run(c, null, "UPDATE boomerang_tasks SET job_id = $2, updated_at = $3 WHERE task_id = $1 AND job_id IS NULL",
            cancellationToken, taskId, jobId, Ms(now)).ConfigureAwait(false);
    }

    public async Task<TrackedTask?> GetAsync(string taskId, CancellationToken cancellationToken)
    {
        await using var c = await _data.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await FindAsync(c, null, taskId, forUpdate: false, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<TrackedTask>> ListAsync(string? status, int limit, CancellationToken cancellationToken)
    {
        await using var c = await _data.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return (await ReadAsync(c, null, $"""
            SELECT {Columns} FROM boomerang_tasks WHERE $1::text IS NULL OR status = $1
            ORDER BY created_at DESC, task_id DESC LIMIT $2
            """, withInput: false, cancellationToken, status, limit).ConfigureAwait(false)).Select(t => t.Task).ToList();
    }

    public async Task<TaskClaim> TryClaimAsync(string taskId, string? webhookId, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken)
    {
        await using var c = await _data.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var task = await FindAsync(c, tx, taskId, forUpdate: true, cancellationToken).ConfigureAwait(false);
        if (task is null)
        {
            return new TaskClaim(ClaimOutcome.NotFound, null, null);
        }
        if (task.IsFinished || (webhookId is not null && await ExistsAsync(c, tx, webhookId, cancellationToken).ConfigureAwait(false)))
        {
            return new TaskClaim(ClaimOutcome.AlreadyProcessed, task, null);
        }
        var token = Guid.NewGuid().ToString("N");
        var taken = await Run(c, tx, """
            UPDATE boomerang_tasks SET lease_token = $2, lease_until = $3
            WHERE task_id = $1 AND (lease_until IS NULL OR lease_until <= $4)
            """, cancellationToken, taskId, token, Ms(now + lease), Ms(now)).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return taken == 1 ? new TaskClaim(ClaimOutcome.Claimed, task, token) : new TaskClaim(ClaimOutcome.Busy, task, null);
    }

    public async Task<bool> CompleteClaimAsync(TaskClaim claim, TaskUpdate update, string? webhookId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var (taskId, token) = Held(claim);
        await using var c = await _data.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var updated = await Run(c, tx, """
            UPDATE boomerang_tasks
            SET status = $3, progress = $4, result = $5, error = $6, settled_by = $7, updated_at = $8, lease_token = NULL, lease_until = NULL
            WHERE task_id = $1 AND lease_token = $2
            """, cancellationToken, taskId, token, update.Status, update.Progress, update.Result?.GetRawText(), update.Error,
            update.SettledBy, Ms(now)).ConfigureAwait(false);
        if (updated == 0)
        {
            return false;
        }
        if (webhookId is not null)
        {
            await Run(c, tx, """
                INSERT INTO boomerang_processed_webhooks (webhook_id, task_id, processed_at) VALUES ($1, $2, $3)
                ON CONFLICT (webhook_id) DO NOTHING
                """, cancellationToken, webhookId, taskId, Ms(now)).ConfigureAwait(false);
        }
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async Task ReleaseClaimAsync(TaskClaim claim, CancellationToken cancellationToken)
    {
        var (taskId, token) = Held(claim);
        await using var c = await _data.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await Run(c, null, "UPDATE boomerang_tasks SET lease_token = NULL, lease_until = NULL WHERE task_id = $1 AND lease_token = $2",
            cancellationToken, taskId, token).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<TrackedTask>> ListDueForPollingAsync(DateTimeOffset cutoff, int limit, CancellationToken cancellationToken)
    {
        await using var c = await _data.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return (await ReadAsync(c, null, $"""
            SELECT {Columns} FROM boomerang_tasks
            WHERE status IN ('pending', 'running') AND job_id IS NOT NULL AND coalesce(polled_at, created_at) <= $1
            ORDER BY coalesce(polled_at, created_at) LIMIT $2
            """, withInput: false, cancellationToken, Ms(cutoff), limit).ConfigureAwait(false)).Select(t => t.Task).ToList();
    }

    public async Task<IReadOnlyList<UnsubmittedTask>> ListUnsubmittedAsync(DateTimeOffset cutoff, int limit, CancellationToken cancellationToken)
    {
        await using var c = await _data.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return (await ReadAsync(c, null, $"""
            SELECT {Columns}, job_input FROM boomerang_tasks
            WHERE status IN ('pending', 'running') AND job_id IS NULL AND coalesce(polled_at, created_at) <= $1
            ORDER BY coalesce(polled_at, created_at) LIMIT $2
            """, withInput: true, cancellationToken, Ms(cutoff), limit).ConfigureAwait(false))
            .Select(t => new UnsubmittedTask(t.Task, t.Input)).ToList();
    }

    public async Task MarkPolledAsync(string taskId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var c = await _data.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await Run(c, null, "UPDATE boomerang_tasks SET polled_at = $2 WHERE task_id = $1", cancellationToken, taskId, Ms(now)).ConfigureAwait(false);
    }

    public async Task<int> PurgeProcessedWebhooksAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        await using var c = await _data.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await Run(c, null, "DELETE FROM boomerang_processed_webhooks WHERE processed_at < $1", cancellationToken, Ms(before)).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => _data.DisposeAsync();

    private static (string TaskId, string Token) Held(TaskClaim claim) =>
        claim is { Outcome: ClaimOutcome.Claimed, Task: { } task, Token: { } token }
            ? (task.TaskId, token)
            : throw new ArgumentException("not a claim that was taken", nameof(claim));

    private static async Task<TrackedTask?> FindAsync(NpgsqlConnection c, NpgsqlTransaction? tx, string taskId, bool forUpdate, CancellationToken ct) =>
        (await ReadAsync(c, tx, $"SELECT {Columns} FROM boomerang_tasks WHERE task_id = $1{(forUpdate ? " FOR UPDATE" : "")}",
            withInput: false, ct, taskId).ConfigureAwait(false)) is [var found] ? found.Task : null;

    private static async Task<bool> ExistsAsync(NpgsqlConnection c, NpgsqlTransaction tx, string webhookId, CancellationToken ct)
    {
        await using var command = Command(c, tx, "SELECT 1 FROM boomerang_processed_webhooks WHERE webhook_id = $1", webhookId);
        return await command.ExecuteScalarAsync(ct).ConfigureAwait(false) is not null;
    }

    private static async Task<List<(TrackedTask Task, string? Input)>> ReadAsync(NpgsqlConnection c, NpgsqlTransaction? tx, string sql,
        bool withInput, CancellationToken ct, params object?[] values)
    {
        await using var command = Command(c, tx, sql, values);
        await using var r = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var tasks = new List<(TrackedTask, string?)>();
        while (await r.ReadAsync(ct).ConfigureAwait(false))
        {
            var task = new TrackedTask(
                r.GetString(0), Text(r, 1), r.GetString(2), Text(r, 3), r.GetString(4), r.GetInt32(5),
                Text(r, 6) is { } json ? Parse(json) : null, Text(r, 7),
                DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(8)), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(9)),
                Text(r, 10));
            tasks.Add((task, withInput ? Text(r, 11) : null));
        }
        return tasks;
    }

    private static async Task<int> Run(NpgsqlConnection c, NpgsqlTransaction? tx, string sql, CancellationToken ct, params object?[] values)
    {
        await using var command = Command(c, tx, sql, values);
        return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    private static NpgsqlCommand Command(NpgsqlConnection c, NpgsqlTransaction? tx, string sql, params object?[] values)
    {
        var command = new NpgsqlCommand(sql, c, tx);
        foreach (var value in values)
        {
            command.Parameters.Add(value is null ? new NpgsqlParameter { Value = DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text } : new NpgsqlParameter { Value = value });
        }
        return command;
    }

    private static string? Text(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    private static JsonElement Parse(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.Clone();
    }

    private static long Ms(DateTimeOffset t) => t.ToUnixTimeMilliseconds();
}
