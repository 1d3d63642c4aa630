using Npgsql;

namespace Boomerang.Server.Storage.Postgres;

// Statements that lock several job rows take them in seq order (ORDER BY seq FOR UPDATE) so two of them never
// deadlock; claims and the rescuer skip locked rows instead of waiting for them.
internal sealed partial class PostgresJobStore
{
    public Task<IReadOnlyList<ClaimedJob>> ClaimAsync(string owner, int max, TimeSpan lease, CancellationToken ct) =>
        RunAsync<IReadOnlyList<ClaimedJob>>(async c =>
        {
            var now = Now;
            await using var command = c.Command("""
                WITH picked AS (
                    SELECT seq FROM jobs WHERE status = 'pending' ORDER BY seq LIMIT @max FOR UPDATE SKIP LOCKED)
                UPDATE jobs j SET status = 'in_progress', lease_owner = @owner, lease_expires_at = @until,
                    attempt = j.attempt + 1, started_at = COALESCE(j.started_at, @now)
                FROM picked WHERE j.seq = picked.seq
                RETURNING j.id, j.tenant_id, j.kind, j.input, j.attempt, j.callback_url, j.wants_progress, j.seq
                """, ("owner", owner), ("until", now + lease.TotalSeconds), ("now", now), ("max", max));
            await using var r = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            var claimed = new List<(long Seq, ClaimedJob Job)>();
            while (await r.ReadAsync(ct).ConfigureAwait(false))
            {
                claimed.Add((r.GetInt64(7), new ClaimedJob(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3),
                    r.GetInt32(4), r.NullableString(5), r.GetBoolean(6))));
            }
            return claimed.OrderBy(x => x.Seq).Select(x => x.Job).ToList();
        }, ct);

    public Task<HeartbeatResult> HeartbeatAsync(string owner, IReadOnlyCollection<LeasedJob> jobs, TimeSpan lease, CancellationToken ct) =>
        RunAsync(async c =>
        {
            await using var command = c.Command($"""
                WITH mine AS ({Mine})
                UPDATE jobs j SET lease_expires_at = @until FROM mine WHERE j.seq = mine.seq
                RETURNING j.id, j.cancel_requested
                """, ("owner", owner), ("until", Now + lease.TotalSeconds), ("ids", Ids(jobs)), ("attempts", Attempts(jobs)));
            await using var r = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            var held = new HashSet<string>(StringComparer.Ordinal);
            var cancel = new List<string>();
            while (await r.ReadAsync(ct).ConfigureAwait(false))
            {
                held.Add(r.GetString(0));
                if (r.GetBoolean(1))
                {
                    cancel.Add(r.GetString(0));
                }
            }
            return JobLifecycle.Heartbeat(jobs, held, cancel);
        }, ct);

    public Task SetProgressAsync(string owner, LeasedJob job, int progress, CancellationToken ct) =>
        InTransactionAsync(async c =>
        {
            var now = Now;
            var deliveries = new OutboxRows();
            await using (var command = c.Command("""
                UPDATE jobs SET progress = @p
                WHERE id = @id AND attempt = @attempt AND lease_owner = @owner AND status = 'in_progress'
                RETURNING tenant_id, kind, callback_url, wants_progress, started_at
                """, ("p", progress), ("id", job.JobId), ("attempt", job.Attempt), ("owner", owner)))
            await using (var r = await command.ExecuteReaderAsync(ct).ConfigureAwait(false))
            {
                if (await r.ReadAsync(ct).ConfigureAwait(false))
                {
                    deliveries.Add(Outbox.Progress(new ProgressingJob(job.JobId, r.GetString(0), r.GetString(1), r.NullableString(2),
                        r.GetBoolean(3), r.NullableDouble(4)), progress, now));
                }
            }
            if (deliveries.Count > 0)
            {
                await deliveries.InsertAsync(c, ct).ConfigureAwait(false);
                await NotifyAsync(c, PostgresListener.DeliveriesHint, ct).ConfigureAwait(false);
            }
            return 0;
        }, ct);

    public Task<IReadOnlyList<bool>> FinishAsync(string owner, IReadOnlyList<JobOutcome> outcomes, CancellationToken ct) =>
        InTransactionAsync(async c => (await FinishRowsAsync(c, owner, outcomes, null, ct).ConfigureAwait(false)).Finished, ct);

    public Task<FinishedBatch> FinishAndLeaseAsync(string owner, IReadOnlyList<JobOutcome> outcomes, string dispatcher, TimeSpan lease,
        int max, CancellationToken ct) =>
        InTransactionAsync(c => FinishRowsAsync(c, owner, outcomes, new HandOffLease(dispatcher, lease, max), ct), ct);

    public Task ReleaseAsync(string owner, IReadOnlyCollection<LeasedJob> jobs, CancellationToken ct) =>
        InTransactionAsync(async c =>
        {
            (string, object?)[] parameters = [("owner", owner), ("ids", Ids(jobs)), ("attempts", Attempts(jobs))];
            // Not counted as an attempt: the job did not fail, this process is stopping.
            var released = await c.RunAsync($"""
                WITH mine AS ({Mine})
                UPDATE jobs j SET status = 'pending', lease_owner = NULL, lease_expires_at = NULL, attempt = j.attempt - 1
                FROM mine WHERE j.seq = mine.seq AND NOT j.cancel_requested
                """, ct, parameters).ConfigureAwait(false);
            // A job asked to cancel is left with an expired lease: the rescuer ends it as canceled, with its callback.
            await c.RunAsync($"""
                WITH mine AS ({Mine})
                UPDATE jobs j SET lease_expires_at = 0 FROM mine WHERE j.seq = mine.seq
                """, ct, parameters).ConfigureAwait(false);
            if (released > 0)
            {
                await NotifyAsync(c, PostgresListener.JobsHint, ct).ConfigureAwait(false);
            }
            return 0;
        }, ct);

    /// <summary>The rows of @ids/@attempts this @owner still holds under those attempts, locked in seq order.</summary>
    private const string Mine = """
        SELECT j.seq FROM jobs j JOIN unnest(@ids::text[], @attempts::integer[]) AS l(id, attempt)
            ON l.id = j.id AND l.attempt = j.attempt
        WHERE j.lease_owner = @owner AND j.status = 'in_progress'
        ORDER BY j.seq FOR UPDATE OF j
        """;

    private static string[] Ids(IReadOnlyCollection<LeasedJob> jobs) => jobs.Select(j => j.JobId).ToArray();
    private static int[] Attempts(IReadOnlyCollection<LeasedJob> jobs) => jobs.Select(j => j.Attempt).ToArray();

    /// <summary>Any process may run this; each expired row is locked by one rescuer, the others skip it.</summary>
    public Task<int> RescueExpiredAsync(int maxAttempts, CancellationToken ct) =>
        InTransactionAsync(async c =>
        {
            var expired = new List<(long Seq, ExpiredLease Lease)>();
            await using (var command = c.Command("""
                SELECT seq, id, attempt, cancel_requested FROM jobs
                WHERE status = 'in_progress' AND lease_expires_at < @now
                ORDER BY seq LIMIT 1000 FOR UPDATE SKIP LOCKED
                """, ("now", Now)))
            await using (var r = await command.ExecuteReaderAsync(ct).ConfigureAwait(false))
            {
                while (await r.ReadAsync(ct).ConfigureAwait(false))
                {
                    expired.Add((r.GetInt64(0), new ExpiredLease(r.GetString(1), r.GetInt32(2), r.GetBoolean(3))));
                }
            }
            if (expired.Count == 0)
            {
                return 0;
            }
            var decided = expired.Select(e => (e.Seq, Outcome: JobLifecycle.Rescue(e.Lease, maxAttempts))).ToList();
            await FinishRowsAsync(c, owner: null, decided.Where(d => d.Outcome is not null).Select(d => d.Outcome!).ToList(), null, ct)
                .ConfigureAwait(false);
            var requeue = decided.Where(d => d.Outcome is null).Select(d => d.Seq).ToArray();
            if (requeue.Length > 0)
            {
                await c.RunAsync("UPDATE jobs SET status = 'pending', lease_owner = NULL, lease_expires_at = NULL WHERE seq = ANY(@seqs)",
                    ct, ("seqs", requeue)).ConfigureAwait(false);
                await NotifyAsync(c, PostgresListener.JobsHint, ct).ConfigureAwait(false);
            }
            return expired.Count;
        }, ct);

    /// <summary>Terminal states plus their outbox rows, inside the caller's transaction, fenced by attempt and owner.
    /// Without an owner (the rescuer) it finishes whoever held that attempt.</summary>
    private async Task<FinishedBatch> FinishRowsAsync(NpgsqlConnection c, string? owner, IReadOnlyList<JobOutcome> outcomes,
        HandOffLease? handOff, CancellationToken ct)
    {
        if (outcomes.Count == 0)
        {
            return new FinishedBatch([], [], 0);
        }
        var now = Now;
        var finished = new HashSet<string>(StringComparer.Ordinal);
        var deliveries = new OutboxRows();
        var byId = JobLifecycle.FirstPerJob(outcomes).ToDictionary(o => o.JobId, StringComparer.Ordinal);
        await using (var command = c.Command("""
            WITH o AS (
                SELECT * FROM unnest(@ids::text[], @attempts::integer[], @statuses::text[], @results::text[], @errors::text[])
                    AS o(id, attempt, status, result, error)),
            mine AS (
                SELECT j.seq, o.status, o.result, o.error FROM jobs j JOIN o ON o.id = j.id AND o.attempt = j.attempt
                WHERE j.status = 'in_progress' AND (@owner::text IS NULL OR j.lease_owner = @owner::text)
                ORDER BY j.seq FOR UPDATE OF j)
            UPDATE jobs j SET status = mine.status, result = mine.result, error = mine.error, finished_at = @now,
                progress = CASE WHEN mine.status = 'completed' THEN 100 ELSE j.progress END,
                lease_owner = NULL, lease_expires_at = NULL
            FROM mine WHERE j.seq = mine.seq
            RETURNING j.id, j.tenant_id, j.kind, j.callback_url, j.started_at, j.progress
            """, ("ids", byId.Keys.ToArray()), ("attempts", byId.Values.Select(o => o.Attempt).ToArray()), ("statuses", byId.Values.Select(o => o.Status).ToArray()),
            ("results", byId.Values.Select(o => o.ResultJson).ToArray()), ("errors", byId.Values.Select(o => o.Error).ToArray()),
            ("owner", owner), ("now", now)))
        await using (var r = await command.ExecuteReaderAsync(ct).ConfigureAwait(false))
        {
            while (await r.ReadAsync(ct).ConfigureAwait(false))
            {
                var id = r.GetString(0);
                finished.Add(id);
                var job = new FinishingJob(id, r.GetString(1), r.GetString(2), r.NullableString(3), r.NullableDouble(4), r.GetInt32(5));
                deliveries.AddFinished(Outbox.Terminal(job, byId[id], now), handOff, now);
            }
        }
        // The outbox rows, the active count and the hint go in one round trip. Rows leased to this node's dispatcher
        // need no hint: no other node may claim them until the lease expires.
        var rest = new List<(string, (string, object?)[])>(3);
        if (deliveries.Count > 0)
        {
            rest.Add(deliveries.InsertStatement());
            if (deliveries.LeasedCount < deliveries.Count)
            {
                rest.Add(NotifyStatement(PostgresListener.DeliveriesHint));
            }
        }
        if (finished.Count > 0)
        {
            rest.Add(RetireStatement(finished.Count));
        }
        IReadOnlyList<DueDelivery> leased = [];
        if (rest.Count > 0)
        {
            await using var batch = c.Batch(rest);
            if (deliveries.LeasedCount > 0)
            {
                var seqs = new Dictionary<string, long>(StringComparer.Ordinal);
                await using (var r = await batch.ExecuteReaderAsync(ct).ConfigureAwait(false))
                {
                    while (await r.ReadAsync(ct).ConfigureAwait(false))
                    {
                        seqs[r.GetString(0)] = r.GetInt64(1);
                    }
                }
                leased = deliveries.Leased(seqs).ToList();
            }
            else
            {
                await batch.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }
        }
        return new FinishedBatch(JobLifecycle.FirstOutcomeWins(outcomes, finished), leased, deliveries.Count - deliveries.LeasedCount);
    }
}
