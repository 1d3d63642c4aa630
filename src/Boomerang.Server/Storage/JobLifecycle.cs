using Boomerang.Jobs;

namespace Boomerang.Server.Storage;

/// <summary>An idempotency key already taken in a tenant, as the store found it, with the request it was taken by
/// (null for jobs stored before fingerprints were kept).</summary>
internal sealed record KnownKey(string JobId, string Status, string? Fingerprint);

/// <summary>A job to insert, with the fingerprint to keep beside its idempotency key (null without a key).</summary>
internal sealed record AdmittedJob(NewJob Job, string? Fingerprint);

/// <summary>What a submit does: one outcome per job, and the jobs to insert (in order).</summary>
internal sealed record Admission(IReadOnlyList<SubmitOutcome> Outcomes, IReadOnlyList<AdmittedJob> Created);

/// <summary>A running job whose lease expired, as the rescuer found it.</summary>
internal sealed record ExpiredLease(string JobId, int Attempt, bool CancelRequested);

/// <summary>A job and its terminal delivery, as a redelivery request found them.</summary>
internal sealed record RedeliveryTarget(string Status, string? CallbackUrl, string? TerminalWebhookId);

/// <summary>Where a delivery goes after an attempt.</summary>
internal sealed record DeliveryLanding(string Status, double? NextAttemptAt, double? FinishedAt);

/// <summary>
/// The rules of a job's life that do not depend on how it is stored. Every provider reads what it needs, asks here,
/// and writes what it is told; the conformance suite holds each provider to the same answers.
/// </summary>
internal static class JobLifecycle
{
    /// <summary>Submits in order: a known idempotency key answers with its job when the request is the same, and with
    /// KeyReused when it is not; otherwise the job is admitted while pending plus running jobs stay under
    /// <paramref name="maxActive"/>. Keys created earlier in the same batch count as known. <paramref name="known"/> is
    /// updated with the new keys.</summary>
    public static Admission Admit(IReadOnlyList<NewJob> jobs, long active, int maxActive,
        IDictionary<(string Tenant, string Key), KnownKey> known)
    {
        var outcomes = new List<SubmitOutcome>(jobs.Count);
        var created = new List<AdmittedJob>(jobs.Count);
        foreach (var job in jobs)
        {
            var fingerprint = job.IdempotencyKey is null ? null : RequestFingerprint.Of(job);
            if (job.IdempotencyKey is { } key && known.TryGetValue((job.TenantId, key), out var existing))
            {
                outcomes.Add(existing.Fingerprint is null || existing.Fingerprint == fingerprint
                    ? new(SubmitResult.Existing, existing.JobId, existing.Status)
                    : new(SubmitResult.KeyReused, existing.JobId, existing.Status));
                continue;
            }
            if (active >= maxActive)
            {
                outcomes.Add(new(SubmitResult.QueueFull, null, null, active));
                continue;
            }
            if (job.IdempotencyKey is { } newKey)
            {
                known[(job.TenantId, newKey)] = new KnownKey(job.Id, JobStatus.Pending, fingerprint);
            }
            created.Add(new AdmittedJob(job, fingerprint));
            active++;
            outcomes.Add(new(SubmitResult.Created, job.Id, JobStatus.Pending));
        }
        return new Admission(outcomes, created);
    }

    /// <summary>An expired lease: a job asked to cancel ends canceled; one whose attempts are used up fails with the
    /// reason; any other goes back to pending (null).</summary>
    public static JobOutcome? Rescue(ExpiredLease lease, int maxAttempts) =>
        lease.CancelRequested ? new JobOutcome(lease.JobId, lease.Attempt, JobStatus.Canceled, null, null)
        : lease.Attempt >= maxAttempts ? new JobOutcome(lease.JobId, lease.Attempt, JobStatus.Failed, null, WorkerLost(lease.Attempt, maxAttempts))
        : null;

    public static string WorkerLost(int attempt, int maxAttempts) => $"worker lost: lease expired on attempt {attempt} of {maxAttempts}";

    /// <summary>Only the first outcome for a job can take effect, as if they had been written one after another; it
    /// took effect when the store <paramref name="finished"/> that job.</summary>
    public static IReadOnlyList<bool> FirstOutcomeWins(IReadOnlyList<JobOutcome> outcomes, IReadOnlySet<string> finished)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        return outcomes.Select(o => seen.Add(o.JobId) && finished.Contains(o.JobId)).ToList();
    }

    /// <summary>The outcomes a store should try, one per job (the first), in the order given.</summary>
    public static IReadOnlyList<JobOutcome> FirstPerJob(IReadOnlyList<JobOutcome> outcomes)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        return outcomes.Where(o => seen.Add(o.JobId)).ToList();
    }

    /// <summary>A heartbeat's answer: the jobs the owner still holds that were asked to cancel, and the ones it lost.</summary>
    public static HeartbeatResult Heartbeat(IReadOnlyCollection<LeasedJob> asked, IReadOnlySet<string> held, IReadOnlyList<string> cancelRequested) =>
        new(cancelRequested, asked.Select(j => j.JobId).Where(id => !held.Contains(id)).ToList());

    /// <summary>Whether a terminal callback may be queued again: the job must exist, have a callback URL, be finished
    /// and have its terminal delivery. Queued (with the delivery's webhook id) tells the store to reset it now.</summary>
    public static RedeliverOutcome Redeliver(RedeliveryTarget? target) => target switch
    {
        null => new(RedeliverResult.NotFound),
        { CallbackUrl: null } => new(RedeliverResult.NoCallback),
        { TerminalWebhookId: null } => new(RedeliverResult.NotFinished),
        _ when !JobStatus.IsFinished(target.Status) => new(RedeliverResult.NotFinished),
        _ => new(RedeliverResult.Queued, target.TerminalWebhookId),
    };

    /// <summary>A delivery after an attempt: success and failed are final (finished now, nothing due); pending is due
    /// at the attempt's next time, kept to the millisecond like every other time.</summary>
    public static DeliveryLanding Land(DeliveryAttempt attempt, double now) =>
        attempt.NewStatus is CallbackStatus.Success or CallbackStatus.Failed
            ? new(attempt.NewStatus, null, now)
            : new(attempt.NewStatus, attempt.NextAttemptAt is { } next ? Math.Round(next, 3) : null, null);

    /// <summary>Whether an attempt is kept on its delivery row instead of as a row of the attempt log: a delivery that
    /// lands on its first attempt has nothing else to log, so the one write that finishes it records the attempt too.
    /// Failures and retries are always logged. The row's attempt is read back as attempt 1 of that delivery, and moved to
    /// the log before a redelivery resets the row.</summary>
    public static bool KeptOnDelivery(DeliveryAttempt attempt) =>
        attempt.Delivery.Attempts == 0 && attempt.NewStatus == CallbackStatus.Success;

    /// <summary>How many rows a page read asks for: one more than the page, to know whether another page follows.</summary>
    public static int PageFetch(int limit) => limit + 1;

    /// <summary>A page from up to <see cref="PageFetch"/> rows newest first: the cursor is the last shown row's seq,
    /// present only when a row was left over.</summary>
    public static JobPage Page(IReadOnlyList<JobRecord> fetched, int limit) =>
        fetched.Count > limit
            ? new JobPage(fetched.Take(limit).ToList(), fetched[limit - 1].Seq)
            : new JobPage(fetched, null);

    /// <summary>The callback fields a job shows before its terminal delivery exists: pending with no attempts when it
    /// has a callback URL, nothing when it has none.</summary>
    public static (string? Status, int? Attempts) CallbackView(string? callbackUrl, string? deliveryStatus, int? deliveryAttempts) =>
        (deliveryStatus ?? (callbackUrl is null ? null : CallbackStatus.Pending),
         deliveryAttempts ?? (callbackUrl is null ? null : 0));
}
