using Boomerang.Jobs;
using Boomerang.Server.Storage;

namespace Boomerang.IntegrationTests.Storage;

/// <summary>Retention: finished jobs past their time go, with their deliveries and attempts, in small batches.</summary>
public abstract partial class JobStoreConformance
{
    private static readonly TimeSpan Keep = TimeSpan.FromHours(1);

    [Fact]
    public async Task Finished_jobs_past_retention_go_with_their_deliveries_and_attempts_a_batch_at_a_time()
    {
        var delivered = Job(url: Hook);
        var plain = Job();
        var stillCalling = Job(url: Hook);
        var running = Job();
        var pending = Job();
        await _store.SubmitAsync([delivered, plain, stillCalling, running], 10, default);
        await _store.ClaimAsync("w", 4, Lease, default);
        await _store.FinishAsync("w", new[] { delivered, plain, stillCalling }.Select(j => new JobOutcome(j.Id, 1, JobStatus.Completed, "1", null)).ToList(), default);
        var due = await _store.ClaimDeliveriesAsync("d", 10, Lease, [], default);
        var first = due.Single(d => d.JobId == delivered.Id);
        var retry = due.Single(d => d.JobId == stillCalling.Id);
        await _store.RecordAttemptsAsync("d", [new DeliveryAttempt(first, Now, 1, 200, null, "ok", CallbackStatus.Success, null),
            new DeliveryAttempt(retry, Now, 1, 503, "HTTP 503", null, CallbackStatus.Pending, Now + 86400)], default);
        await _store.SubmitAsync([pending], 10, default);
        Time.Advance(Keep + TimeSpan.FromMinutes(1));
        var recent = Job();
        await _store.SubmitAsync([recent], 10, default);
        var recentClaim = await _store.ClaimAsync("w", 10, Lease, default);
        await _store.FinishAsync("w", [new JobOutcome(recent.Id, recentClaim.Single(j => j.Id == recent.Id).Attempt, JobStatus.Failed, null, "x")], default);

        var batches = new[]
        {
            await _store.PurgeFinishedAsync(Keep, 1, default),
            await _store.PurgeFinishedAsync(Keep, 1, default),
            await _store.PurgeFinishedAsync(Keep, 1, default),
        };

        Assert.Equal([1, 1, 0], batches);
        Assert.Null(await _store.GetAsync(delivered.Id, default));
        Assert.Null(await _store.GetAsync(plain.Id, default));
        Assert.Empty(await _store.ListAttemptsAsync(delivered.Id, default));
        foreach (var kept in new[] { stillCalling, running, pending, recent })
        {
            Assert.NotNull(await _store.GetAsync(kept.Id, default));
        }
        Assert.Single(await _store.ListAttemptsAsync(stillCalling.Id, default));
        Time.Advance(TimeSpan.FromDays(1));
        Assert.Equal(stillCalling.Id, Assert.Single(await _store.ClaimDeliveriesAsync("d", 10, Lease, [], default)).JobId);
    }
}
