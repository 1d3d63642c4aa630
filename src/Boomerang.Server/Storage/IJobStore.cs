namespace Boomerang.Server.Storage;

/// <summary>
/// Everything Boomerang keeps. One contract, one conformance suite, every provider.
/// Times come from the store's <see cref="TimeProvider"/>.
/// </summary>
internal interface IJobStore
{
    Task MigrateAsync(CancellationToken ct);
    Task<bool> PingAsync(CancellationToken ct);

    /// <summary>Inserts the jobs in one transaction; each gets Created, Existing (idempotency key) or QueueFull.</summary>
    Task<IReadOnlyList<SubmitOutcome>> SubmitAsync(IReadOnlyList<NewJob> jobs, int maxActive, CancellationToken ct);
    Task<JobRecord?> GetAsync(string jobId, CancellationToken ct);
    Task<JobPage> ListAsync(string tenantId, string? status, int limit, long? beforeSeq, CancellationToken ct);
    /// <summary>A pending job becomes canceled (its callback skipped); a running one is flagged for its worker.</summary>
    Task<CancelResult> CancelAsync(string jobId, CancellationToken ct);

    /// <summary>Leases up to <paramref name="max"/> pending jobs to <paramref name="owner"/>, oldest first.</summary>
    Task<IReadOnlyList<ClaimedJob>> ClaimAsync(string owner, int max, TimeSpan lease, CancellationToken ct);
    /// <summary>Extends the leases of running jobs; says which were asked to cancel and which this owner lost.
    /// Like every write below, fenced by owner and attempt: a job this owner holds under another attempt is lost.</summary>
    Task<HeartbeatResult> HeartbeatAsync(string owner, IReadOnlyCollection<LeasedJob> jobs, TimeSpan lease, CancellationToken ct);
    Task SetProgressAsync(string owner, LeasedJob job, int progress, CancellationToken ct);
    /// <summary>Writes each job's terminal state and, when it has a callback URL, its delivery, in one transaction.
    /// An outcome whose owner and attempt no longer hold the lease is dropped (false at its index).</summary>
    Task<IReadOnlyList<bool>> FinishAsync(string owner, IReadOnlyList<JobOutcome> outcomes, CancellationToken ct);
    /// <summary>Hands running jobs back without counting the attempt (graceful shutdown).</summary>
    Task ReleaseAsync(string owner, IReadOnlyCollection<LeasedJob> jobs, CancellationToken ct);
    /// <summary>Requeues jobs whose lease expired, or fails them once attempts are used up. Returns how many moved.</summary>
    Task<int> RescueExpiredAsync(int maxAttempts, CancellationToken ct);

    /// <summary>Leases up to <paramref name="max"/> due deliveries, skipping <paramref name="excludedHosts"/>
    /// (saturated or circuit open). A delivery whose lease expired is due again, so a dead dispatcher loses nothing.</summary>
    Task<IReadOnlyList<DueDelivery>> ClaimDeliveriesAsync(string owner, int max, TimeSpan lease,
        IReadOnlyCollection<string> excludedHosts, CancellationToken ct);
    /// <summary>Records each attempt and moves its delivery to the new status, all in one transaction: in the attempt log,
    /// or on the delivery itself for a first attempt that lands (<see cref="JobLifecycle.KeptOnDelivery"/>).
    /// False at an index whose lease this owner had lost (the attempt is logged; the delivery is left to its new owner).</summary>
    Task<IReadOnlyList<bool>> RecordAttemptsAsync(string owner, IReadOnlyList<DeliveryAttempt> attempts, CancellationToken ct);
    /// <summary>Hands claimed deliveries back untried, in one statement (one script on Redis); one this owner no longer
    /// holds is left alone.</summary>
    Task ReleaseDeliveriesAsync(string owner, IReadOnlyCollection<long> seqs, CancellationToken ct);
    Task<IReadOnlyList<DeliveryAttemptRecord>> ListAttemptsAsync(string jobId, CancellationToken ct);
    /// <summary>Queues the job's terminal callback again, now, with a fresh attempt budget and the same webhook id.</summary>
    Task<RedeliverOutcome> RedeliverAsync(string jobId, CancellationToken ct);
}

/// <summary>A store that deletes finished jobs past their retention (every store: SQLite, PostgreSQL, Redis).</summary>
internal interface IFinishedJobPurge
{
    /// <summary>Deletes up to <paramref name="batch"/> jobs that finished more than <paramref name="olderThan"/> ago,
    /// with their deliveries and attempts, in one transaction; a job with a callback still pending is kept. Returns how
    /// many jobs went. SQLite also hands freed pages back to the file system.</summary>
    Task<int> PurgeFinishedAsync(TimeSpan olderThan, int batch, CancellationToken ct);
}

/// <summary>
/// A store that hands a finished job's delivery straight to this process's dispatcher: in the same transaction as the
/// terminal state, the pending outbox row is written already leased to <c>dispatcher</c>, so the dispatcher needs no
/// poll-and-claim round trip. The row is committed first, like any outbox row; if the process dies before sending,
/// the lease expires and any dispatcher claims it (at least once).
/// </summary>
internal interface IDeliveryHandOffStore
{
    /// <summary>Does what <see cref="IJobStore.FinishAsync"/> does; besides, the first <paramref name="max"/> deliveries it
    /// writes that are due now are leased to <paramref name="dispatcher"/> for <paramref name="lease"/> and returned
    /// (the rest are written unleased, as by <see cref="IJobStore.FinishAsync"/>).</summary>
    Task<FinishedBatch> FinishAndLeaseAsync(string owner, IReadOnlyList<JobOutcome> outcomes, string dispatcher, TimeSpan lease,
        int max, CancellationToken ct);
}

/// <summary>Per outcome whether it landed (as <see cref="IJobStore.FinishAsync"/>), and the deliveries leased to the dispatcher.</summary>
internal sealed record FinishedBatch(IReadOnlyList<bool> Finished, IReadOnlyList<DueDelivery> Leased, int Unleased);
