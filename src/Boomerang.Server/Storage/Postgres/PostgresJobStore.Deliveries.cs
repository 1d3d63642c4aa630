
namespace Boomerang.Server.Storage.Postgres;

internal sealed partial class PostgresJobStore
{
    public Task<IReadOnlyList<DueDelivery>> ClaimDeliveriesAsync(string owner, int max, TimeSpan lease,
        IReadOnlyCollection<string> excludedHosts, CancellationToken ct) =>
        RunAsync<IReadOnlyList<DueDelivery>>(async c =>
        {
            var now = Now;
            await using var command = c.Command("""
                WITH due AS (
                    SELECT seq FROM deliveries
                    WHERE status = 'pending' AND next_attempt_at <= @now
                      AND (lease_expires_at IS NULL OR lease_expires_at < @now)
                      AND NOT (host = ANY(@hosts))
                    ORDER BY next_attempt_at LIMIT @max FOR UPDATE SKIP LOCKED)
                UPDATE deliveries d SET lease_owner = @owner, lease_expires_at = @until FROM due WHERE d.seq = due.seq
                RETURNING d.seq, d.webhook_id, d.job_id, d.tenant_id, d.event, d.url, d.host, d.payload, d.attempts
                """, ("owner", owner), ("until", now + lease.TotalSeconds), ("now", now),
                ("hosts", excludedHosts.ToArray()), ("max", max));
            await using var r = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            var due = new List<DueDelivery>();
            while (await r.ReadAsync(ct).ConfigureAwait(false))
            {
                due.Add(new DueDelivery(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4),
                    r.GetString(5), r.GetString(6), r.GetFieldValue<byte[]>(7), r.GetInt32(8)));
            }
            return due;
        }, ct);

    /// <summary>One statement: the deliveries' new state and, for each attempt the row did not keep (every one but a
    /// first that lands, and any whose lease was lost), its attempt log row.</summary>
    public Task<IReadOnlyList<bool>> RecordAttemptsAsync(string owner, IReadOnlyList<DeliveryAttempt> attempts, CancellationToken ct) =>
        RunAsync<IReadOnlyList<bool>>(async c =>
        {
            var now = Now;
            var landings = attempts.Select(a => JobLifecycle.Land(a, now)).ToArray();
            await using var command = c.Command("""
                WITH a AS (
                    SELECT * FROM unnest(@seqs::bigint[], @statuses::text[], @http::integer[], @errors::text[],
                        @next::double precision[], @finished::double precision[], @kept::boolean[], @jobs::text[], @wids::text[],
                        @events::text[], @attempts::integer[], @started::double precision[], @durations::double precision[],
                        @bodies::text[])
                        AS a(seq, status, http, error, next, finished, kept, job, wid, event, attempt, started, duration, body)),
                mine AS (
                    SELECT d.seq FROM deliveries d WHERE d.seq = ANY(@seqs) AND d.lease_owner = @owner ORDER BY d.seq FOR UPDATE),
                moved AS (
                    UPDATE deliveries d SET status = a.status, attempts = d.attempts + 1, http_status = a.http, last_error = a.error,
                        next_attempt_at = a.next, finished_at = a.finished, lease_owner = NULL, lease_expires_at = NULL,
                        attempt_started_at = CASE WHEN a.kept THEN a.started END,
                        attempt_duration_ms = CASE WHEN a.kept THEN a.duration END,
                        attempt_response_body = CASE WHEN a.kept THEN a.body END
                    FROM a JOIN mine ON mine.seq = a.seq WHERE d.seq = a.seq
                    RETURNING d.seq),
                logged AS (
                    INSERT INTO delivery_attempts (delivery_seq, job_id, webhook_id, event, attempt, started_at, duration_ms,
                        http_status, error, response_body)
                    SELECT a.seq, a.job, a.wid, a.event, a.attempt, a.started, a.duration, a.http, a.error, a.body FROM a
                    WHERE NOT a.kept OR a.seq NOT IN (SELECT seq FROM moved))
                SELECT seq FROM moved
                """,
                ("owner", owner), ("seqs", attempts.Select(a => a.Delivery.Seq).ToArray()),
                ("statuses", landings.Select(l => l.Status).ToArray()), ("http", attempts.Select(a => a.HttpStatus).ToArray()),
                ("errors", attempts.Select(a => a.Error).ToArray()),
                ("next", landings.Select(l => l.NextAttemptAt).ToArray()), ("finished", landings.Select(l => l.FinishedAt).ToArray()),
                ("kept", attempts.Select(JobLifecycle.KeptOnDelivery).ToArray()), ("jobs", attempts.Select(a => a.Delivery.JobId).ToArray()),
                ("wids", attempts.Select(a => a.Delivery.WebhookId).ToArray()), ("events", attempts.Select(a => a.Delivery.Event).ToArray()),
                ("attempts", attempts.Select(a => a.Delivery.Attempts + 1).ToArray()), ("started", attempts.Select(a => a.StartedAt).ToArray()),
                ("durations", attempts.Select(a => a.DurationMs).ToArray()), ("bodies", attempts.Select(a => a.ResponseBody).ToArray()));
            var held = new HashSet<long>();
            await using (var r = await command.ExecuteReaderAsync(ct).ConfigureAwait(false))
            {
                while (await r.ReadAsync(ct).ConfigureAwait(false))
                {
                    held.Add(r.GetInt64(0));
                }
            }
            return attempts.Select(a => held.Contains(a.Delivery.Seq)).ToList();
        }, ct);

    public Task ReleaseDeliveriesAsync(string owner, IReadOnlyCollection<long> seqs, CancellationToken ct) => RunAsync(c => c.RunAsync(
        "UPDATE deliveries SET lease_owner = NULL, lease_expires_at = NULL WHERE seq = ANY(@seqs) AND lease_owner = @owner", ct,
        ("seqs", seqs.ToArray()), ("owner", owner)), ct);

    public Task<IReadOnlyList<DeliveryAttemptRecord>> ListAttemptsAsync(string jobId, CancellationToken ct) =>
        RunAsync<IReadOnlyList<DeliveryAttemptRecord>>(async c =>
        {
            await using var command = c.Command(AttemptLogSql.List, ("job", jobId));
            await using var r = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            var attempts = new List<DeliveryAttemptRecord>();
            while (await r.ReadAsync(ct).ConfigureAwait(false))
            {
                attempts.Add(new DeliveryAttemptRecord(r.GetString(0), r.GetString(1), r.GetInt32(2), r.GetDouble(3),
                    r.GetDouble(4), r.NullableInt(5), r.NullableString(6), r.NullableString(7)));
            }
            return attempts;
        }, ct);

    public Task<RedeliverOutcome> RedeliverAsync(string jobId, CancellationToken ct) =>
        InTransactionAsync(async c =>
        {
            RedeliveryTarget? target = null;
            long? seq = null;
            await using (var command = c.Command("""
                SELECT j.status, j.callback_url, d.seq, d.webhook_id
                FROM jobs j LEFT JOIN deliveries d ON d.job_id = j.id AND d.terminal WHERE j.id = @id
                """, ("id", jobId)))
            await using (var r = await command.ExecuteReaderAsync(ct).ConfigureAwait(false))
            {
                if (await r.ReadAsync(ct).ConfigureAwait(false))
                {
                    target = new RedeliveryTarget(r.GetString(0), r.NullableString(1), r.NullableString(3));
                    seq = r.IsDBNull(2) ? null : r.GetInt64(2);
                }
            }
            var outcome = JobLifecycle.Redeliver(target);
            if (outcome.Result == RedeliverResult.Queued)
            {
                // The row first: a dispatcher recording this delivery's attempt holds it until it commits, and the move
                // below must see what that commit kept, or the reset would erase it.
                await c.RunAsync("SELECT 1 FROM deliveries WHERE seq = @seq FOR UPDATE", ct, ("seq", seq!.Value)).ConfigureAwait(false);
                await c.RunAsync(AttemptLogSql.MoveKept, ct, ("seq", seq.Value)).ConfigureAwait(false);
                await c.RunAsync("""
                    UPDATE deliveries SET status = 'pending', attempts = 0, http_status = NULL, last_error = NULL,
                        next_attempt_at = @now, finished_at = NULL, lease_owner = NULL, lease_expires_at = NULL,
                        attempt_started_at = NULL, attempt_duration_ms = NULL, attempt_response_body = NULL
                    WHERE seq = @seq
                    """, ct, ("now", Now), ("seq", seq.Value)).ConfigureAwait(false);
                await NotifyAsync(c, PostgresListener.DeliveriesHint, ct).ConfigureAwait(false);
            }
            return outcome;
        }, ct);
}
