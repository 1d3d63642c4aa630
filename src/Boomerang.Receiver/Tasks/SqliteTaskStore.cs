using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Boomerang.Receiver.Tasks;

/// <summary>
/// The default <see cref="ITaskStore"/>: one SQLite file in WAL mode, a pooled connection per operation. Claims run
/// in <c>BEGIN IMMEDIATE</c> transactions, so concurrent requests (and processes sharing the file) serialise on them.
/// </summary>
internal sealed class SqliteTaskStore : ITaskStore
{
    private const string Columns = "task_id, job_id, kind, callback_url, status, progress, result, error, created_at, updated_at, settled_by";
    private readonly string _connectionString;

    public SqliteTaskStore(string path)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = full, Pooling = true, DefaultTimeout = 30 }.ToString();
    }

    public Task MigrateAsync(CancellationToken cancellationToken) => Use(c => { SqliteTaskSchema.Apply(c); return true; }, cancellationToken);

    public Task CreateAsync(TrackedTask task, string? jobInput, CancellationToken cancellationToken) => Use(c => c.Run($"""
        INSERT INTO boomerang_tasks ({Columns}, job_input)
        VALUES ($id, $job, $kind, $url, $status, $progress, $result, $error, $created, $updated, $settled, $input)
        """, null, ("$input", jobInput),
        ("$id", task.TaskId), ("$job", task.JobId), ("$kind", task.Kind), ("$url", task.CallbackUrl), ("$status", task.Status),
        ("$progress", task.Progress), ("$result", task.Result?.GetRawText()), ("$error", task.Error),
        ("$created", Ms(task.CreatedAt)), ("$updated", Ms(task.UpdatedAt)), ("$settled", task.SettledBy)), cancellationToken);

    public Task AttachJobAsync(string taskId, string jobId, DateTimeOffset now, CancellationToken cancellationToken) => Use(c => c.Run("""
        UPDATE boomerang_tasks SET job_id = $job, updated_at = $now WHERE task_id = $id AND job_id IS NULL
        """, null, ("$id", taskId), ("$job", jobId), ("$now", Ms(now))), cancellationToken);

    public Task<TrackedTask?> GetAsync(string taskId, CancellationToken cancellationToken) =>
        Use(c => Find(c, null, taskId), cancellationToken);

    public Task<IReadOnlyList<TrackedTask>> ListAsync(string? status, int limit, CancellationToken cancellationToken) => Use(c => ReadAll(c.Command($"""
        SELECT {Columns} FROM boomerang_tasks WHERE $status IS NULL OR status = $status
        ORDER BY created_at DESC, task_id DESC LIMIT $limit
        """, null, ("$status", status), ("$limit", limit))), cancellationToken);

    public Task<TaskClaim> TryClaimAsync(string taskId, string? webhookId, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken) => Use(c =>
    {
        using var tx = c.BeginTransaction(deferred: false);
        var task = Find(c, tx, taskId);
        if (task is null)
        {
            return new TaskClaim(ClaimOutcome.NotFound, null, null);
        }
        if (task.IsFinished || (webhookId is not null && c.Scalar(
            "SELECT 1 FROM boomerang_processed_webhooks WHERE webhook_id = $w", tx, ("$w", webhookId)) is not null))
        {
            return new TaskClaim(ClaimOutcome.AlreadyProcessed, task, null);
        }
        var token = Guid.NewGuid().ToString("N");
        var taken = c.Run("""
            UPDATE boomerang_tasks SET lease_token = $token, lease_until = $until
            WHERE task_id = $id AND (lease_until IS NULL OR lease_until <= $now)
            """, tx, ("$id", taskId), ("$token", token), ("$until", Ms(now + lease)), ("$now", Ms(now)));
        tx.Commit();
        return taken == 1 ? new TaskClaim(ClaimOutcome.Claimed, task, token) : new TaskClaim(ClaimOutcome.Busy, task, null);
    }, cancellationToken);

    public Task<bool> CompleteClaimAsync(TaskClaim claim, TaskUpdate update, string? webhookId, DateTimeOffset now, CancellationToken cancellationToken) => Use(c =>
    {
        var (taskId, token) = Held(claim);
        using var tx = c.BeginTransaction(deferred: false);
        var updated = c.Run("""
            UPDATE boomerang_tasks
            SET status = $status, progress = $progress, result = $result, error = $error, settled_by = $settled,
                updated_at = $now, lease_token = NULL, lease_until = NULL
            WHERE task_id = $id AND lease_token = $token
            """, tx, ("$id", taskId), ("$token", token), ("$status", update.Status), ("$progress", update.Progress),
            ("$result", update.Result?.GetRawText()), ("$error", update.Error), ("$settled", update.SettledBy), ("$now", Ms(now)));
        if (updated == 0)
        {
            return false;
        }
        if (webhookId is not null)
        {
            c.Run("""
                INSERT INTO boomerang_processed_webhooks (webhook_id, task_id, processed_at) VALUES ($w, $id, $now)
                ON CONFLICT (webhook_id) DO NOTHING
                """, tx, ("$w", webhookId), ("$id", taskId), ("$now", Ms(now)));
        }
        tx.Commit();
        return true;
    }, cancellationToken);

    public Task ReleaseClaimAsync(TaskClaim claim, CancellationToken cancellationToken) => Use(c =>
    {
        var (taskId, token) = Held(claim);
        return c.Run("UPDATE boomerang_tasks SET lease_token = NULL, lease_until = NULL WHERE task_id = $id AND lease_token = $token",
            null, ("$id", taskId), ("$token", token));
    }, cancellationToken);

    public Task<IReadOnlyList<TrackedTask>> ListDueForPollingAsync(DateTimeOffset cutoff, int limit, CancellationToken cancellationToken) => Use(c => ReadAll(c.Command($"""
        SELECT {Columns} FROM boomerang_tasks
        WHERE status IN ('pending', 'running') AND job_id IS NOT NULL AND coalesce(polled_at, created_at) <= $cutoff
        ORDER BY coalesce(polled_at, created_at) LIMIT $limit
        """, null, ("$cutoff", Ms(cutoff)), ("$limit", limit))), cancellationToken);

    public Task<IReadOnlyList<UnsubmittedTask>> ListUnsubmittedAsync(DateTimeOffset cutoff, int limit, CancellationToken cancellationToken) =>
        Use<IReadOnlyList<UnsubmittedTask>>(c =>
        {
            using var command = c.Command($"""
                SELECT {Columns}, job_input FROM boomerang_tasks
                WHERE status IN ('pending', 'running') AND job_id IS NULL AND coalesce(polled_at, created_at) <= $cutoff
                ORDER BY coalesce(polled_at, created_at) LIMIT $limit
                """, null, ("$cutoff", Ms(cutoff)), ("$limit", limit));
            using var r = command.ExecuteReader();
            var tasks = new List<UnsubmittedTask>();
            while (r.Read())
            {
                tasks.Add(new UnsubmittedTask(Read(r), r.IsDBNull(r.FieldCount - 1) ? null : r.GetString(r.FieldCount - 1)));
            }
            return tasks;
        }, cancellationToken);

    public Task MarkPolledAsync(string taskId, DateTimeOffset now, CancellationToken cancellationToken) => Use(c => c.Run(
        "UPDATE boomerang_tasks SET polled_at = $now WHERE task_id = $id", null, ("$id", taskId), ("$now", Ms(now))), cancellationToken);

    public Task<int> PurgeProcessedWebhooksAsync(DateTimeOffset before, CancellationToken cancellationToken) => Use(c => c.Run(
        "DELETE FROM boomerang_processed_webhooks WHERE processed_at < $before", null, ("$before", Ms(before))), cancellationToken);

    private static (string TaskId, string Token) Held(TaskClaim claim) =>
        claim is { Outcome: ClaimOutcome.Claimed, Task: { } task, Token: { } token }
            ? (task.TaskId, token)
            : throw new ArgumentException("not a claim that was taken", nameof(claim));

    private static TrackedTask? Find(SqliteConnection c, SqliteTransaction? tx, string taskId) =>
        ReadAll(c.Command($"SELECT {Columns} FROM boomerang_tasks WHERE task_id = $id", tx, ("$id", taskId))) is [var task] ? task : null;

    private static IReadOnlyList<TrackedTask> ReadAll(SqliteCommand command)
    {
        using (command)
        using (var r = command.ExecuteReader())
        {
            var tasks = new List<TrackedTask>();
            while (r.Read())
            {
                tasks.Add(Read(r));
            }
            return tasks;
        }
    }

    private static TrackedTask Read(SqliteDataReader r) => new(
        r.GetString(0), Text(r, 1), r.GetString(2), Text(r, 3), r.GetString(4), r.GetInt32(5),
        Text(r, 6) is { } json ? Parse(json) : null, Text(r, 7),
        DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(8)), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(9)),
        Text(r, 10));

    private static string? Text(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    private static JsonElement Parse(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.Clone();
    }

    private static long Ms(DateTimeOffset t) => t.ToUnixTimeMilliseconds();

    // Microsoft.Data.Sqlite's async methods run synchronously; run on the pool so callers on a request thread don't block.
    private async Task<T> Use<T>(Func<SqliteConnection, T> work, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        return await Task.Run(() =>
        {
            using var c = new SqliteConnection(_connectionString);
            c.Open();
            return work(c);
        }, ct).ConfigureAwait(false);
    }
}
