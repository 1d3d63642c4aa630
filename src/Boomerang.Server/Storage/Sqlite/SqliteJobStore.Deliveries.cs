using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Boomerang.Server.Storage.Sqlite;

internal sealed partial class SqliteJobStore
{
    public Task<IReadOnlyList<DueDelivery>> ClaimDeliveriesAsync(string owner, int max, TimeSpan lease,
        IReadOnlyCollection<string> excludedHosts, CancellationToken ct) =>
        _writer.WriteAsync<IReadOnlyList<DueDelivery>>(c =>
        {
            var now = Now;
            using var r = c.Command("""
                UPDATE deliveries SET lease_owner = $owner, lease_expires_at = $until
                WHERE seq IN (
                    SELECT seq FROM deliveries
                    WHERE status = 'pending' AND next_attempt_at <= $now
                      AND (lease_expires_at IS NULL OR lease_expires_at < $now)
                      AND host NOT IN (SELECT value FROM json_each($hosts))
                    ORDER BY next_attempt_at LIMIT $max)
                RETURNING seq, webhook_id, job_id, tenant_id, event, url, host, payload, attempts
                """, ("$owner", owner), ("$until", now + lease.TotalSeconds), ("$now", now),
                ("$hosts", JsonSerializer.Serialize(excludedHosts)), ("$max", max)).ExecuteReader();
            var due = new List<DueDelivery>();
            while (r.Read())
            {
                due.Add(new DueDelivery(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4),
                    r.GetString(5), r.GetString(6), (byte[])r.GetValue(7), r.GetInt32(8)));
            }
            return due;
        }, ct);

    public Task<IReadOnlyList<bool>> RecordAttemptsAsync(string owner, IReadOnlyList<DeliveryAttempt> attempts, CancellationToken ct) =>
        _writer.WriteAsync<IReadOnlyList<bool>>(c =>
        {
            var now = Now;
            var held = new List<bool>(attempts.Count);
            foreach (var a in attempts)
            {
                var d = a.Delivery;
                var kept = JobLifecycle.KeptOnDelivery(a);
                var landing = JobLifecycle.Land(a, now);
                var moved = c.Run("""
                    UPDATE deliveries SET status = $status, attempts = attempts + 1, http_status = $http, last_error = $error,
                        next_attempt_at = $next, finished_at = $finished, lease_owner = NULL, lease_expires_at = NULL,
                        attempt_started_at = $started, attempt_duration_ms = $duration, attempt_response_body = $body
                    WHERE seq = $seq AND lease_owner = $owner
                    """, ("$status", landing.Status), ("$http", a.HttpStatus), ("$error", a.Error), ("$next", landing.NextAttemptAt),
                    ("$finished", landing.FinishedAt), ("$started", kept ? a.StartedAt : null), ("$duration", kept ? a.DurationMs : null),
                    ("$body", kept ? a.ResponseBody : null), ("$seq", d.Seq), ("$owner", owner)) == 1;
                // Logged unless the row kept it: a lost lease leaves the row to its new owner, the attempt still happened.
                if (!kept || !moved)
                {
                    c.Run("""
                        INSERT INTO delivery_attempts (delivery_seq, job_id, webhook_id, event, attempt, started_at, duration_ms,
                            http_status, error, response_body)
                        VALUES ($seq, $job, $wid, $event, $attempt, $started, $duration, $http, $error, $body)
                        """, ("$seq", d.Seq), ("$job", d.JobId), ("$wid", d.WebhookId), ("$event", d.Event), ("$attempt", d.Attempts + 1),
                        ("$started", a.StartedAt), ("$duration", a.DurationMs), ("$http", a.HttpStatus), ("$error", a.Error),
                        ("$body", a.ResponseBody));
                }
                held.Add(moved);
            }
            return held;
        }, ct);

    public Task ReleaseDeliveriesAsync(string owner, IReadOnlyCollection<long> seqs, CancellationToken ct) =>
        _writer.WriteAsync(c => c.Run("""
            UPDATE deliveries SET lease_owner = NULL, lease_expires_at = NULL
            WHERE seq IN (SELECT value FROM json_each($seqs)) AND lease_owner = $owner
            """, ("$seqs", JsonSerializer.Serialize(seqs)), ("$owner", owner)), ct);

    public Task<IReadOnlyList<DeliveryAttemptRecord>> ListAttemptsAsync(string jobId, CancellationToken ct) =>
        ReadAsync<IReadOnlyList<DeliveryAttemptRecord>>(async (c, ct) =>
        {
            await using var command = c.Command(AttemptLogSql.List, ("@job", jobId));
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
        _writer.WriteAsync(c =>
        {
            RedeliveryTarget? target = null;
            long? seq = null;
            using (var r = c.Command("""
                SELECT j.status, j.callback_url, d.seq, d.webhook_id
                FROM jobs j LEFT JOIN deliveries d ON d.job_id = j.id AND d.terminal = 1 WHERE j.id = $id
                """, ("$id", jobId)).ExecuteReader())
            {
                if (r.Read())
                {
                    target = new RedeliveryTarget(r.GetString(0), r.NullableString(1), r.NullableString(3));
                    seq = r.IsDBNull(2) ? null : r.GetInt64(2);
                }
            }
            var outcome = JobLifecycle.Redeliver(target);
            if (outcome.Result == RedeliverResult.Queued)
            {
                c.Run(AttemptLogSql.MoveKept, ("@seq", seq!.Value));
                c.Run("""
                    UPDATE deliveries SET status = 'pending', attempts = 0, http_status = NULL, last_error = NULL,
                        next_attempt_at = $now, finished_at = NULL, lease_owner = NULL, lease_expires_at = NULL,
                        attempt_started_at = NULL, attempt_duration_ms = NULL, attempt_response_body = NULL
                    WHERE seq = $seq
                    """, ("$now", Now), ("$seq", seq));
            }
            return outcome;
        }, ct);
}
