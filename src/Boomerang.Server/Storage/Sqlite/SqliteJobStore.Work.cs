using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Boomerang.Server.Storage.Sqlite;

internal sealed partial class SqliteJobStore
{
    public Task<IReadOnlyList<ClaimedJob>> ClaimAsync(string owner, int max, TimeSpan lease, CancellationToken ct) =>
        _writer.WriteAsync<IReadOnlyList<ClaimedJob>>(c =>
        {
            var now = Now;
            using var r = c.Command("""
                UPDATE jobs SET status = 'in_progress', lease_owner = $owner, lease_expires_at = $until,
                    attempt = attempt + 1, started_at = COALESCE(started_at, $now)
                WHERE seq IN (SELECT seq FROM jobs WHERE status = 'pending' ORDER BY seq LIMIT $max)
                RETURNING id, tenant_id, kind, input, attempt, callback_url, wants_progress, seq
                """, ("$owner", owner), ("$until", now + lease.TotalSeconds), ("$now", now), ("$max", max)).ExecuteReader();
            var claimed = new List<(long Seq, ClaimedJob Job)>();
            while (r.Read())
            {
                claimed.Add((r.GetInt64(7), new ClaimedJob(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3),
                    r.GetInt32(4), r.NullableString(5), r.GetInt32(6) == 1)));
            }
            return claimed.OrderBy(x => x.Seq).Select(x => x.Job).ToList();
        }, ct);

    public Task<HeartbeatResult> HeartbeatAsync(string owner, IReadOnlyCollection<LeasedJob> jobs, TimeSpan lease, CancellationToken ct) =>
        _writer.WriteAsync(c =>
        {
            using var r = c.Command($"""
                UPDATE jobs SET lease_expires_at = $until
                WHERE lease_owner = $owner AND status = 'in_progress' AND {Leased}
                RETURNING id, cancel_requested
                """, ("$owner", owner), ("$until", Now + lease.TotalSeconds), ("$jobs", LeasedJson(jobs))).ExecuteReader();
            var held = new HashSet<string>(StringComparer.Ordinal);
            var cancel = new List<string>();
            while (r.Read())
            {
                held.Add(r.GetString(0));
                if (r.GetInt32(1) == 1)
                {
                    cancel.Add(r.GetString(0));
                }
            }
            return JobLifecycle.Heartbeat(jobs, held, cancel);
        }, ct);

    public Task SetProgressAsync(string owner, LeasedJob job, int progress, CancellationToken ct) =>
        _writer.WriteAsync(c =>
        {
            using var r = c.Command("""
                UPDATE jobs SET progress = $p
                WHERE id = $id AND attempt = $attempt AND lease_owner = $owner AND status = 'in_progress'
                RETURNING tenant_id, kind, callback_url, wants_progress, started_at
                """, ("$p", progress), ("$id", job.JobId), ("$attempt", job.Attempt), ("$owner", owner)).ExecuteReader();
            if (r.Read() && Outbox.Progress(new ProgressingJob(job.JobId, r.GetString(0), r.GetString(1), r.NullableString(2),
                    r.GetInt32(3) == 1, r.NullableDouble(4)), progress, Now) is { } entry)
            {
                InsertDelivery(c, entry);
            }
            return 0;
        }, ct);

    public async Task<IReadOnlyList<bool>> FinishAsync(string owner, IReadOnlyList<JobOutcome> outcomes, CancellationToken ct) =>
        (await _writer.WriteAsync(c => FinishRows(c, owner, outcomes, handOff: null), ct).ConfigureAwait(false)).Finished;

    public Task<FinishedBatch> FinishAndLeaseAsync(string owner, IReadOnlyList<JobOutcome> outcomes, string dispatcher, TimeSpan lease,
        int max, CancellationToken ct) =>
        _writer.WriteAsync(c => FinishRows(c, owner, outcomes, new HandOffLease(dispatcher, lease, max)), ct);

    public Task ReleaseAsync(string owner, IReadOnlyCollection<LeasedJob> jobs, CancellationToken ct) =>
        _writer.WriteAsync(c =>
        {
            var leased = LeasedJson(jobs);
            // Not counted as an attempt: the job did not fail, this process is stopping.
            c.Run($"""
                UPDATE jobs SET status = 'pending', lease_owner = NULL, lease_expires_at = NULL, attempt = attempt - 1
                WHERE lease_owner = $owner AND status = 'in_progress' AND cancel_requested = 0 AND {Leased}
                """, ("$owner", owner), ("$jobs", leased));
            // A job asked to cancel is left with an expired lease: the rescuer ends it as canceled, with its callback.
            c.Run($"""
                UPDATE jobs SET lease_expires_at = 0
                WHERE lease_owner = $owner AND status = 'in_progress' AND {Leased}
                """, ("$owner", owner), ("$jobs", leased));
            return 0;
        }, ct);

    // The rows named by $jobs, a JSON array of {"id", "attempt"}: the id finds the row by its index, the pair fences it.
    private const string Leased = """
        id IN (SELECT json_extract(value, '$.id') FROM json_each($jobs))
        AND (id, attempt) IN (SELECT json_extract(value, '$.id'), json_extract(value, '$.attempt') FROM json_each($jobs))
        """;

    private static string LeasedJson(IReadOnlyCollection<LeasedJob> jobs) =>
        JsonSerializer.Serialize(jobs.Select(j => new { id = j.JobId, attempt = j.Attempt }));

    public Task<int> RescueExpiredAsync(int maxAttempts, CancellationToken ct) =>
        _writer.WriteAsync(c =>
        {
            var expired = new List<ExpiredLease>();
            using (var r = c.Command("""
                SELECT id, attempt, cancel_requested FROM jobs WHERE status = 'in_progress' AND lease_expires_at < $now
                """, ("$now", Now)).ExecuteReader())
            {
                while (r.Read())
                {
                    expired.Add(new ExpiredLease(r.GetString(0), r.GetInt32(1), r.GetInt32(2) == 1));
                }
            }
            var ended = new List<JobOutcome>();
            foreach (var lease in expired)
            {
                if (JobLifecycle.Rescue(lease, maxAttempts) is { } outcome)
                {
                    ended.Add(outcome);
                }
                else
                {
                    c.Run("UPDATE jobs SET status = 'pending', lease_owner = NULL, lease_expires_at = NULL WHERE id = $id",
                        ("$id", lease.JobId));
                }
            }
            FinishRows(c, owner: null, ended, handOff: null);
            return expired.Count;
        }, ct);

    /// <summary>Terminal states plus their outbox rows, inside the caller's transaction: one UPDATE for the whole batch,
    /// fenced by attempt and owner. Without an owner (the rescuer) it finishes whoever held that
    /// attempt.</summary>
    private FinishedBatch FinishRows(SqliteStatements c, string? owner, IReadOnlyList<JobOutcome> outcomes, HandOffLease? handOff)
    {
        if (outcomes.Count == 0)
        {
            return new FinishedBatch([], [], 0);
        }
        var now = Now;
        var first = JobLifecycle.FirstPerJob(outcomes).ToList();
        var found = new Dictionary<string, FinishingJob>(first.Count, StringComparer.Ordinal);
        using (var r = c.Command("""
            UPDATE jobs SET status = o.value->>'status', result = o.value->>'result', error = o.value->>'error', finished_at = $now,
                progress = CASE WHEN o.value->>'status' = 'completed' THEN 100 ELSE jobs.progress END,
                lease_owner = NULL, lease_expires_at = NULL
            FROM json_each($outcomes) AS o
            WHERE jobs.id = o.value->>'id' AND jobs.attempt = o.value->>'attempt' AND jobs.status = 'in_progress'
              AND ($owner IS NULL OR jobs.lease_owner = $owner)
            RETURNING jobs.id, jobs.tenant_id, jobs.kind, jobs.callback_url, jobs.started_at, jobs.progress
            """, ("$outcomes", SqliteJson.Rows(first, static (json, o) =>
            {
                json.WriteString("id", o.JobId);
                json.WriteNumber("attempt", o.Attempt);
                json.WriteString("status", o.Status);
                json.WriteString("result", o.ResultJson);
                json.WriteString("error", o.Error);
            })), ("$now", now), ("$owner", owner)).ExecuteReader())
        {
            while (r.Read())
            {
                var id = r.GetString(0);
                found[id] = new FinishingJob(id, r.GetString(1), r.GetString(2), r.NullableString(3), r.NullableDouble(4), r.GetInt32(5));
            }
        }
        // In the batch's order, so the first due ones are those handed off.
        var deliveries = new OutboxRows();
        foreach (var outcome in first)
        {
            if (found.TryGetValue(outcome.JobId, out var job))
            {
                deliveries.AddFinished(Outbox.Terminal(job, outcome, now), handOff, now);
            }
        }
        var seqs = InsertDeliveries(c, deliveries);
        return new FinishedBatch(JobLifecycle.FirstOutcomeWins(outcomes, found.Keys.ToHashSet(StringComparer.Ordinal)),
            deliveries.Leased(seqs).ToList(), deliveries.Count - deliveries.LeasedCount);
    }

    private static void InsertDelivery(SqliteStatements c, OutboxEntry entry)
    {
        var rows = new OutboxRows();
        rows.Add(entry);
        InsertDeliveries(c, rows);
    }

    /// <summary>The outbox rows, each by one prepared INSERT (measured faster here than one INSERT reading every field
    /// from JSON); gives each row's seq by webhook id. The seq is the connection's last inserted rowid, not a
    /// <c>RETURNING</c> clause: RETURNING buffers its rows through a temporary table each time, which made the insert
    /// about twice as slow (docs/benchmarks.md, twelfth pass).</summary>
    private static Dictionary<string, long> InsertDeliveries(SqliteStatements c, OutboxRows rows)
    {
        var seqs = new Dictionary<string, long>(rows.Count, StringComparer.Ordinal);
        foreach (var (e, leaseOwner, leaseUntil) in rows.Rows)
        {
            var inserted = c.Run("""
                INSERT INTO deliveries (webhook_id, job_id, tenant_id, event, terminal, url, host, payload, status,
                    last_error, next_attempt_at, finished_at, created_at, lease_owner, lease_expires_at)
                VALUES ($wid, $job, $t, $event, $terminal, $url, $host, $payload, $status, $reason, $next, $finished, $now, $lowner, $luntil)
                """, ("$wid", e.WebhookId), ("$job", e.JobId), ("$t", e.TenantId), ("$event", e.Event), ("$terminal", e.Terminal ? 1 : 0),
                ("$url", e.Url), ("$host", e.Host), ("$payload", e.Payload), ("$status", e.Status), ("$reason", e.LastError),
                ("$next", e.NextAttemptAt), ("$finished", e.FinishedAt), ("$now", e.CreatedAt), ("$lowner", leaseOwner),
                ("$luntil", leaseUntil));
            seqs[e.WebhookId] = inserted == 1 ? c.LastInsertRowId : throw new InvalidOperationException("The outbox row was not inserted.");
        }
        return seqs;
    }
}
