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
        (await FinishRowsAsync(owner, outcomes, handOff: null, ct).ConfigureAwait(false)).Finished;

    public Task<FinishedBatch> FinishAndLeaseAsync(string owner, IReadOnlyList<JobOutcome> outcomes, string dispatcher, TimeSpan lease,
        int max, CancellationToken ct) => FinishRowsAsync(owner, outcomes, new HandOff(dispatcher, lease, max, []), ct);

    private Task<FinishedBatch> FinishRowsAsync(string owner, IReadOnlyList<JobOutcome> outcomes, HandOff? handOff, CancellationToken ct) =>
        _writer.WriteAsync(c =>
        {
            var finished = JobLifecycle.FirstPerJob(outcomes).Where(o => FinishRow(c, owner, o, handOff)).Select(o => o.JobId)
                .ToHashSet(StringComparer.Ordinal);
            return new FinishedBatch(JobLifecycle.FirstOutcomeWins(outcomes, finished), handOff?.Leased ?? [], handOff?.Unleased ?? 0);
        }, ct);

    /// <summary>Who the deliveries written by a finish are leased to, and what was leased.</summary>
    private sealed record HandOff(string Dispatcher, TimeSpan Lease, int Max, List<DueDelivery> Leased)
    {
        public int Unleased { get; set; }
    }

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
            foreach (var lease in expired)
            {
                if (JobLifecycle.Rescue(lease, maxAttempts) is { } outcome)
                {
                    FinishRow(c, owner: null, outcome);
                }
                else
                {
                    c.Run("UPDATE jobs SET status = 'pending', lease_owner = NULL, lease_expires_at = NULL WHERE id = $id",
                        ("$id", lease.JobId));
                }
            }
            return expired.Count;
        }, ct);

    /// <summary>The terminal-state UPDATE, fenced by attempt and owner. Without an owner (the rescuer) it finishes whoever
    /// held that attempt.</summary>
    private static string FinishSql(bool fenced) => $"""
        UPDATE jobs SET status = $s, result = $result, error = $error, finished_at = $now,
            progress = CASE WHEN $s = 'completed' THEN 100 ELSE progress END,
            lease_owner = NULL, lease_expires_at = NULL
        WHERE id = $id AND attempt = $attempt AND status = 'in_progress' {(fenced ? "AND lease_owner = $owner" : "")}
        RETURNING tenant_id, kind, callback_url, started_at, progress
        """;

    private static readonly string FinishOwned = FinishSql(fenced: true);
    private static readonly string FinishAnyOwner = FinishSql(fenced: false);

    /// <summary>Terminal state plus outbox row, inside the caller's transaction.</summary>
    private bool FinishRow(SqliteStatements c, string? owner, JobOutcome outcome, HandOff? handOff = null)
    {
        var now = Now;
        using var r = c.Command(owner is null ? FinishAnyOwner : FinishOwned, ("$s", outcome.Status), ("$result", outcome.ResultJson),
            ("$error", outcome.Error), ("$now", now), ("$id", outcome.JobId), ("$attempt", outcome.Attempt), ("$owner", owner)).ExecuteReader();
        if (!r.Read())
        {
            return false;
        }
        var job = new FinishingJob(outcome.JobId, r.GetString(0), r.GetString(1), r.NullableString(2), r.NullableDouble(3), r.GetInt32(4));
        if (Outbox.Terminal(job, outcome, now) is { } entry)
        {
            if (handOff is not null && Outbox.IsDue(entry, now) && handOff.Leased.Count < handOff.Max)
            {
                var seq = InsertDelivery(c, entry, handOff.Dispatcher, now + handOff.Lease.TotalSeconds);
                handOff.Leased.Add(Outbox.Leased(entry, seq));
            }
            else
            {
                InsertDelivery(c, entry);
                if (handOff is not null)
                {
                    handOff.Unleased++;
                }
            }
        }
        return true;
    }

    private static long InsertDelivery(SqliteStatements c, OutboxEntry e, string? leaseOwner = null, double? leaseUntil = null) =>
        (long)c.Command("""
            INSERT INTO deliveries (webhook_id, job_id, tenant_id, event, terminal, url, host, payload, status,
                last_error, next_attempt_at, finished_at, created_at, lease_owner, lease_expires_at)
            VALUES ($wid, $job, $t, $event, $terminal, $url, $host, $payload, $status, $reason, $next, $finished, $now, $lowner, $luntil)
            RETURNING seq
            """, ("$wid", e.WebhookId), ("$job", e.JobId), ("$t", e.TenantId), ("$event", e.Event), ("$terminal", e.Terminal ? 1 : 0),
            ("$url", e.Url), ("$host", e.Host), ("$payload", e.Payload), ("$status", e.Status), ("$reason", e.LastError),
            ("$next", e.NextAttemptAt), ("$finished", e.FinishedAt), ("$now", e.CreatedAt), ("$lowner", leaseOwner), ("$luntil", leaseUntil)).ExecuteScalar()!;
}
