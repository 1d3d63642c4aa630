using Boomerang.Jobs;
using Boomerang.Server.Storage;

namespace Boomerang.IntegrationTests.Storage;

/// <summary>Every write a worker makes is fenced by owner and attempt, so a stale run can never land.</summary>
public abstract partial class JobStoreConformance
{
    [Fact]
    public async Task A_stale_run_of_a_job_its_own_node_reclaimed_cannot_finish_beat_report_progress_or_release_it()
    {
        var job = Job(url: Hook);
        await _store.SubmitAsync([job], 10, default);
        var stale = Assert.Single(await _store.ClaimAsync("node", 1, Lease, default));
        // The node stalls past its lease; the job is rescued and the same node claims it again.
        Time.Advance(Lease + TimeSpan.FromSeconds(1));
        Assert.Equal(1, await _store.RescueExpiredAsync(3, default));
        var fresh = Assert.Single(await _store.ClaimAsync("node", 1, Lease, default));
        var (old, current) = (new LeasedJob(job.Id, stale.Attempt), new LeasedJob(job.Id, fresh.Attempt));

        var staleFinish = await _store.FinishAsync("node", [new JobOutcome(job.Id, stale.Attempt, JobStatus.Completed, "\"stale\"", null)], default);
        var staleBeat = await _store.HeartbeatAsync("node", [old], Lease, default);
        await _store.SetProgressAsync("node", old, 77, default);
        await _store.ReleaseAsync("node", [old], default);
        var running = await _store.GetAsync(job.Id, default);
        var freshBeat = await _store.HeartbeatAsync("node", [current], Lease, default);
        var freshFinish = await _store.FinishAsync("node", [new JobOutcome(job.Id, fresh.Attempt, JobStatus.Completed, "\"fresh\"", null)], default);
        var done = await _store.GetAsync(job.Id, default);
        var callback = Assert.Single(await _store.ClaimDeliveriesAsync("d", 10, Lease, [], default));

        Assert.Equal((1, 2), (stale.Attempt, fresh.Attempt));
        Assert.Equal([false], staleFinish);
        Assert.Equal([job.Id], staleBeat.Lost);
        Assert.Equal((JobStatus.InProgress, 2, 0, null), (running!.Status, running.Attempt, running.Progress, running.ResultJson));
        Assert.Empty(freshBeat.Lost);
        Assert.Equal([true], freshFinish);
        Assert.Equal((JobStatus.Completed, "\"fresh\""), (done!.Status, done.ResultJson));
        Assert.Equal("\"fresh\"", Payload(callback).GetProperty("result").GetRawText());
    }

    [Fact]
    public async Task The_rescuer_ends_only_the_attempt_whose_lease_it_saw_expire()
    {
        var job = Job();
        await _store.SubmitAsync([job], 10, default);
        await _store.ClaimAsync("node", 1, Lease, default);
        Time.Advance(Lease + TimeSpan.FromSeconds(1));
        await _store.RescueExpiredAsync(3, default);
        var second = Assert.Single(await _store.ClaimAsync("node", 1, Lease, default));
        Time.Advance(Lease + TimeSpan.FromSeconds(1));

        Assert.Equal(1, await _store.RescueExpiredAsync(2, default));
        var read = await _store.GetAsync(job.Id, default);

        Assert.Equal((JobStatus.Failed, "worker lost: lease expired on attempt 2 of 2"), (read!.Status, read.Error));
        Assert.Equal([false], await _store.FinishAsync("node", [new JobOutcome(job.Id, second.Attempt, JobStatus.Completed, "1", null)], default));
    }
}
