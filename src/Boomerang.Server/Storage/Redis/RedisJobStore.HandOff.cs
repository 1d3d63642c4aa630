namespace Boomerang.Server.Storage.Redis;

internal sealed partial class RedisJobStore : IDeliveryHandOffStore
{
    /// <summary>The finish script writes each due delivery already leased to <paramref name="dispatcher"/> (in
    /// <c>{prefix}:dleased</c>, not <c>{prefix}:due</c>) and publishes no hint for it: this process's dispatcher gets it in
    /// memory, with no claim round trip. If this process dies first, the lease expires and any dispatcher claims it.</summary>
    public Task<FinishedBatch> FinishAndLeaseAsync(string owner, IReadOnlyList<JobOutcome> outcomes, string dispatcher, TimeSpan lease,
        int max, CancellationToken ct) => RunAsync(db => FinishJobsAsync(db, owner, outcomes, null, dispatcher, lease, max));
}
