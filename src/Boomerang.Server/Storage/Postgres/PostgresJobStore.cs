using Boomerang.Jobs;
using Npgsql;

namespace Boomerang.Server.Storage.Postgres;

/// <summary>
/// The shared store: one PostgreSQL database for many API, worker and dispatcher processes. Claims are batched with
/// <c>FOR UPDATE SKIP LOCKED</c>, every claim is a lease, and commits that make work for other processes send a
/// NOTIFY on the schema's channel (a hint; <see cref="PostgresListener"/> turns it into local wake-ups).
/// </summary>
internal sealed partial class PostgresJobStore(NpgsqlDataSource db, PostgresSchema schema, TimeProvider time) : IJobStore, IDeliveryHandOffStore, IFinishedJobPurge
{
    // The jobs are picked (and limited) first, then each meets its terminal delivery by index: a plan that cannot
    // turn into "join everything, then sort" when a young table has no statistics yet.
    private const string JobColumns = """
        j.seq, j.id, j.tenant_id, j.kind, j.status, j.created_at, j.started_at, j.finished_at, j.attempt, j.progress,
        j.result, j.error, j.callback_url,
        d.status, d.attempts, d.http_status, d.finished_at, d.last_error, d.next_attempt_at
        """;

    private const string TerminalDelivery = """
        LEFT JOIN LATERAL (
            SELECT status, attempts, http_status, finished_at, last_error, next_attempt_at
            FROM deliveries WHERE job_id = j.id AND terminal LIMIT 1) d ON true
        """;

    private static readonly TimeSpan PingTimeout = TimeSpan.FromSeconds(3);

    private double Now => time.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0;

    public Task MigrateAsync(CancellationToken ct) => RunAsync(async c =>
    {
        await PostgresMigrations.ApplyAsync(c, schema, ct).ConfigureAwait(false);
        return 0;
    }, ct);

    public async Task<bool> PingAsync(CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(PingTimeout);
        return await RunAsync(async c =>
            await c.ScalarAsync<int>("SELECT max(version) FROM schema_migrations", timeout.Token).ConfigureAwait(false)
                >= PostgresMigrations.Latest, timeout.Token).ConfigureAwait(false);
    }

    public Task<JobRecord?> GetAsync(string jobId, CancellationToken ct) => RunAsync(async c =>
    {
        await using var command = c.Command($"SELECT {JobColumns} FROM jobs j {TerminalDelivery} WHERE j.id = @id", ("id", jobId));
        await using var r = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        return await r.ReadAsync(ct).ConfigureAwait(false) ? JobRecordReader.Read(r) : null;
    }, ct);

    public Task<JobPage> ListAsync(string tenantId, string? status, int limit, long? beforeSeq, CancellationToken ct) => RunAsync(async c =>
    {
        await using var command = c.Command(WithDeliveries(TenantPage(status, "")), ("t", tenantId),
            ("before", beforeSeq ?? long.MaxValue), ("limit", JobLifecycle.PageFetch(limit)));
        await using var r = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var jobs = new List<JobRecord>(JobLifecycle.PageFetch(limit));
        while (await r.ReadAsync(ct).ConfigureAwait(false))
        {
            jobs.Add(JobRecordReader.Read(r));
        }
        return JobLifecycle.Page(jobs, limit);
    }, ct);

    /// <summary>A page of jobs (a statement on <c>jobs</c>), newest first, each with its terminal delivery: the page is
    /// picked first, so the join never drives the plan.</summary>
    private static string WithDeliveries(string page) => $"""
        SELECT {JobColumns} FROM ({page}) j
        {TerminalDelivery}
        ORDER BY j.seq DESC
        """;

    /// <summary>A page of tenant @t's jobs below seq @before, newest first: the newest @limit of each status (of
    /// <paramref name="status"/> alone when given), each read in order from jobs_tenant_status, then merged; the caller
    /// binds @t, @before and @limit. <paramref name="filters"/> are more conditions on <c>jobs</c>: constant text whose
    /// values are bound parameters, never a value itself. The statuses (only <see cref="JobStatus.All"/>, the only ones
    /// the store writes) are written into the text, not bound, so a cached generic plan still knows how rare each one
    /// is.</summary>
    private static string TenantPage(string? status, string filters)
    {
        var branches = JobStatus.All.Where(s => status is null || s == status).Select(s => $"""
            (SELECT * FROM jobs WHERE tenant_id = @t AND status = '{s}' AND seq < @before {filters} ORDER BY seq DESC LIMIT @limit)
            """).ToList();
        return branches.Count == 0
            ? "SELECT * FROM jobs WHERE false"
            : $"SELECT * FROM ({string.Join(" UNION ALL ", branches)}) b ORDER BY seq DESC LIMIT @limit";
    }

    public Task<CancelResult> CancelAsync(string jobId, CancellationToken ct) => InTransactionAsync(async c =>
    {
        var status = await c.ScalarAsync<string?>("SELECT status FROM jobs WHERE id = @id FOR UPDATE", ct, ("id", jobId)).ConfigureAwait(false);
        switch (status)
        {
            case null:
                return CancelResult.NotFound;
            case JobStatus.Pending:
                var now = Now;
                var deliveries = new OutboxRows();
                await using (var command = c.Command("""
                    UPDATE jobs SET status = 'canceled', cancel_requested = true, finished_at = @now
                    WHERE id = @id AND status = 'pending' RETURNING tenant_id, callback_url, kind
                    """, ("id", jobId), ("now", now)))
                await using (var r = await command.ExecuteReaderAsync(ct).ConfigureAwait(false))
                {
                    if (await r.ReadAsync(ct).ConfigureAwait(false))
                    {
                        deliveries.Add(Outbox.CanceledPending(jobId, r.GetString(0), r.GetString(2), r.NullableString(1), now));
                    }
                }
                await deliveries.InsertAsync(c, ct).ConfigureAwait(false);
                await RetireAsync(c, 1, ct).ConfigureAwait(false);
                return CancelResult.Canceled;
            case JobStatus.InProgress:
                await c.RunAsync("UPDATE jobs SET cancel_requested = true WHERE id = @id", ct, ("id", jobId)).ConfigureAwait(false);
                // The worker holding the job may be on another machine: tell it now rather than at its next heartbeat.
                await NotifyAsync(c, PostgresListener.CancelPrefix + jobId, ct).ConfigureAwait(false);
                return CancelResult.CancelRequested;
            default:
                return CancelResult.AlreadyFinished;
        }
    }, ct);

    /// <summary>Takes finished jobs off the active count, on one of 16 slots so concurrent finishes rarely share a row.</summary>
    private static Task RetireAsync(NpgsqlConnection c, int count, CancellationToken ct)
    {
        var (sql, parameters) = RetireStatement(count);
        return count == 0 ? Task.CompletedTask : c.RunAsync(sql, ct, parameters);
    }

    private static (string Sql, (string, object?)[] Parameters) RetireStatement(int count) =>
        ("UPDATE active_jobs SET n = n - @k WHERE slot = @slot", [("k", (long)count), ("slot", Random.Shared.Next(1, 17))]);

    /// <summary>Queued in the transaction, delivered to listeners on commit; identical hints in one transaction fold into one.</summary>
    private Task NotifyAsync(NpgsqlConnection c, string hint, CancellationToken ct)
    {
        var (sql, parameters) = NotifyStatement(hint);
        return c.RunAsync(sql, ct, parameters);
    }

    private (string Sql, (string, object?)[] Parameters) NotifyStatement(string hint) =>
        ("SELECT pg_notify(@channel, @hint)", [("channel", schema.Channel), ("hint", hint)]);

    private async Task<T> RunAsync<T>(Func<NpgsqlConnection, Task<T>> work, CancellationToken ct)
    {
        try
        {
            await using var connection = await db.OpenConnectionAsync(ct).ConfigureAwait(false);
            return await work(connection).ConfigureAwait(false);
        }
        catch (Exception e) when (IsUnavailable(e) && !ct.IsCancellationRequested)
        {
            // Pooled connections to a restarted server are dead; drop the idle ones rather than fail on each in turn.
            db.Clear();
            throw new StoreUnavailableException("PostgreSQL is unavailable: " + e.Message, e);
        }
    }

    private Task<T> InTransactionAsync<T>(Func<NpgsqlConnection, Task<T>> work, CancellationToken ct) => RunAsync(async c =>
    {
        await using var tx = await c.BeginTransactionAsync(ct).ConfigureAwait(false);
        var result = await work(c).ConfigureAwait(false);
        // Not cancellable: a commit cut short leaves the caller unsure whether it happened.
        await tx.CommitAsync(CancellationToken.None).ConfigureAwait(false);
        return result;
    }, ct);

    private static bool IsUnavailable(Exception e) =>
        StoreFailures.IsDatabaseUnavailable(e) || e is System.Net.Sockets.SocketException or IOException or TimeoutException;
}
