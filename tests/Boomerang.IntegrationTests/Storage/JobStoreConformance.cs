using Boomerang.IntegrationTests.Infrastructure;
using Boomerang.Jobs;
using Boomerang.Server.Storage;

namespace Boomerang.IntegrationTests.Storage;

/// <summary>
/// The contract every storage provider keeps. Each provider runs this same suite against a real database;
/// the clock is manual so leases expire exactly when a test says.
/// </summary>
public abstract partial class JobStoreConformance : IAsyncLifetime
{
    private readonly ITestJobStore _stores;

    private protected JobStoreConformance(ITestJobStore stores) => _stores = stores;

    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);
    protected ManualTime Time { get; } = new();
    private IJobStore _store = null!;

    public async Task InitializeAsync()
    {
        _store = await _stores.CreateAsync(Time);
        await _store.MigrateAsync(default);
    }

    public Task DisposeAsync() => _stores.DisposeAsync().AsTask();

    private static NewJob Job(string tenant = "t1", string? key = null, string? url = null, bool progress = false) =>
        new(Guid.CreateVersion7().ToString(), tenant, "echo", """{"n":1}""", key, url, progress);

    [Fact]
    public async Task Migrating_twice_is_harmless_and_the_store_answers_ping()
    {
        await _store.MigrateAsync(default);
        Assert.True(await _store.PingAsync(default));
    }

    [Fact]
    public async Task A_submitted_job_reads_back_pending_with_its_fields()
    {
        var job = Job(url: "https://example.com/hook");
        var outcome = (await _store.SubmitAsync([job], 10, default))[0];
        var read = await _store.GetAsync(job.Id, default);

        Assert.Equal(SubmitResult.Created, outcome.Result);
        Assert.Equal(JobStatus.Pending, read!.Status);
        Assert.Equal("t1", read.TenantId);
        Assert.Equal(0, read.Attempt);
        Assert.Equal("https://example.com/hook", read.CallbackUrl);
        Assert.Equal(CallbackStatus.Pending, read.CallbackStatus);
        Assert.Equal(0, read.CallbackAttempts);
        Assert.Null(await _store.GetAsync("missing", default));
    }

    [Fact]
    public async Task An_idempotency_key_is_unique_per_tenant_even_within_one_batch()
    {
        var outcomes = await _store.SubmitAsync([Job(key: "k"), Job(key: "k"), Job("t2", key: "k")], 10, default);
        var later = await _store.SubmitAsync([Job(key: "k")], 10, default);

        Assert.Equal([SubmitResult.Created, SubmitResult.Existing, SubmitResult.Created], outcomes.Select(o => o.Result));
        Assert.Equal(outcomes[0].JobId, outcomes[1].JobId);
        Assert.NotEqual(outcomes[0].JobId, outcomes[2].JobId);
        Assert.Equal(outcomes[0].JobId, later[0].JobId);
    }

    [Fact]
    public async Task Capacity_counts_pending_and_running_jobs_only()
    {
        await _store.SubmitAsync([Job(), Job()], 2, default);
        var full = await _store.SubmitAsync([Job()], 2, default);
        var claimed = await _store.ClaimAsync("w", 1, Lease, default);
        await _store.FinishAsync("w", [new JobOutcome(claimed[0].Id, 1, JobStatus.Completed, "1", null)], default);
        var room = await _store.SubmitAsync([Job(), Job()], 2, default);

        Assert.Equal(SubmitResult.QueueFull, full[0].Result);
        Assert.Equal(2, full[0].ActiveJobs);
        Assert.Equal([SubmitResult.Created, SubmitResult.QueueFull], room.Select(o => o.Result));
    }

    [Fact]
    public async Task Claims_take_the_oldest_jobs_first_and_never_hand_one_job_to_two_workers()
    {
        var jobs = Enumerable.Range(0, 50).Select(_ => Job()).ToList();
        await _store.SubmitAsync(jobs, 1000, default);

        var first = await _store.ClaimAsync("a", 5, Lease, default);
        var rest = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => _store.ClaimAsync($"w{i}", 10, Lease, default)));

        Assert.Equal(jobs.Take(5).Select(j => j.Id), first.Select(j => j.Id));
        var all = first.Concat(rest.SelectMany(r => r)).Select(j => j.Id).ToList();
        Assert.Equal(50, all.Count);
        Assert.Equal(50, all.Distinct().Count());
        Assert.All(first, j => Assert.Equal(1, j.Attempt));
    }

    [Fact]
    public async Task Concurrent_submits_never_admit_more_than_capacity()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ =>
            _store.SubmitAsync(Enumerable.Range(0, 5).Select(_ => Job()).ToList(), 30, default)));

        Assert.Equal(30, results.SelectMany(r => r).Count(o => o.Result == SubmitResult.Created));
        Assert.Equal(70, results.SelectMany(r => r).Count(o => o.Result == SubmitResult.QueueFull));
    }

    [Fact]
    public async Task Concurrent_submits_with_one_idempotency_key_create_one_job()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => _store.SubmitAsync([Job(key: "same")], 100, default)));

        Assert.Single(results, r => r[0].Result == SubmitResult.Created);
        Assert.Single(results.Select(r => r[0].JobId).Distinct());
    }

    [Fact]
    public async Task Concurrent_rescuers_move_each_expired_job_once()
    {
        var jobs = Enumerable.Range(0, 40).Select(_ => Job()).ToList();
        await _store.SubmitAsync(jobs, 100, default);
        await _store.ClaimAsync("dead", 40, Lease, default);
        Time.Advance(Lease + TimeSpan.FromSeconds(1));

        var moved = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => _store.RescueExpiredAsync(3, default)));
        var again = await _store.ClaimAsync("alive", 100, Lease, default);

        Assert.Equal(40, moved.Sum());
        Assert.Equal(40, again.Count);
        Assert.All(again, j => Assert.Equal(2, j.Attempt));
    }

    /// <summary>Jobs with a callback, submitted, claimed by "w" and completed: their deliveries wait in the outbox.</summary>
    private async Task<IReadOnlyList<NewJob>> CompletedWithCallbacksAsync(int count)
    {
        var jobs = Enumerable.Range(0, count).Select(_ => Job(url: "https://example.com/hook")).ToList();
        await _store.SubmitAsync(jobs, 100, default);
        await _store.ClaimAsync("w", count, Lease, default);
        await _store.FinishAsync("w", jobs.Select(j => new JobOutcome(j.Id, 1, JobStatus.Completed, "1", null)).ToList(), default);
        return jobs;
    }

    [Fact]
    public async Task Concurrent_dispatchers_never_claim_one_delivery_twice()
    {
        await CompletedWithCallbacksAsync(30);

        var claims = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => _store.ClaimDeliveriesAsync($"d{i}", 10, Lease, [], default)));

        var all = claims.SelectMany(c => c).Select(d => d.WebhookId).ToList();
        Assert.Equal(30, all.Count);
        Assert.Equal(30, all.Distinct().Count());
    }

    [Fact]
    public async Task A_delivery_whose_dispatcher_died_is_claimed_again_with_the_same_webhook_id()
    {
        var job = Assert.Single(await CompletedWithCallbacksAsync(1));
        var first = await _store.ClaimDeliveriesAsync("dead", 10, Lease, [], default);

        Assert.Empty(await _store.ClaimDeliveriesAsync("alive", 10, Lease, [], default));
        Time.Advance(Lease + TimeSpan.FromSeconds(1));
        var second = await _store.ClaimDeliveriesAsync("alive", 10, Lease, [], default);
        var late = new DeliveryAttempt(first[0], 0, 1, 200, null, null, CallbackStatus.Success, null);

        Assert.Equal(first.Single().WebhookId, second.Single().WebhookId);
        Assert.Equal([false], await _store.RecordAttemptsAsync("dead", [late], default));
        Assert.Equal([true], await _store.RecordAttemptsAsync("alive", [late with { Delivery = second[0] }], default));
        Assert.Equal(CallbackStatus.Success, (await _store.GetAsync(job.Id, default))!.CallbackStatus);
        // Both attempts reached the receiver, so both are listed, the one whose lease was lost too.
        Assert.Equal([(first[0].WebhookId, 1, 200), (first[0].WebhookId, 1, 200)],
            (await _store.ListAttemptsAsync(job.Id, default)).Select(a => (a.WebhookId, a.Attempt, a.HttpStatus ?? 0)));
    }

    [Fact]
    public async Task Released_deliveries_are_due_again_at_once_and_a_release_by_a_former_holder_changes_nothing()
    {
        await CompletedWithCallbacksAsync(3);
        var first = await _store.ClaimDeliveriesAsync("d1", 10, Lease, [], default);

        await _store.ReleaseDeliveriesAsync("d1", first.Take(2).Select(d => d.Seq).ToList(), default);
        var second = await _store.ClaimDeliveriesAsync("d2", 10, Lease, [], default);
        // d1 no longer holds these two: its late release must not free d2's leases.
        await _store.ReleaseDeliveriesAsync("d1", second.Select(d => d.Seq).ToList(), default);

        Assert.Equal(first.Take(2).Select(d => d.WebhookId).Order(), second.Select(d => d.WebhookId).Order());
        Assert.Empty(await _store.ClaimDeliveriesAsync("d3", 10, Lease, [], default));
        Assert.Equal(2, (await _store.RecordAttemptsAsync("d2",
            second.Select(d => new DeliveryAttempt(d, 0, 1, 200, null, null, CallbackStatus.Success, null)).ToList(), default)).Count(held => held));
    }

    [Fact]
    public async Task Finishing_writes_the_terminal_state_and_the_callback_delivery_together()
    {
        var job = Job(url: "https://example.com/hook");
        await _store.SubmitAsync([job], 10, default);
        await _store.ClaimAsync("w", 1, Lease, default);

        Assert.Equal([false], await _store.FinishAsync("someone-else", [new JobOutcome(job.Id, 1, JobStatus.Completed, "1", null)], default));
        Assert.Equal([true], await _store.FinishAsync("w", [new JobOutcome(job.Id, 1, JobStatus.Completed, """{"ok":true}""", null)], default));
        Assert.Equal([false], await _store.FinishAsync("w", [new JobOutcome(job.Id, 1, JobStatus.Failed, null, "late")], default));

        var read = await _store.GetAsync(job.Id, default);
        Assert.Equal(JobStatus.Completed, read!.Status);
        Assert.Equal("""{"ok":true}""", read.ResultJson);
        Assert.Equal(100, read.Progress);
        Assert.Equal(CallbackStatus.Pending, read.CallbackStatus);
        Assert.NotNull(read.CallbackNextAttemptAt);
    }

    [Fact]
    public async Task Many_outcomes_are_written_together_and_each_one_answers_for_itself()
    {
        var jobs = Enumerable.Range(0, 3).Select(_ => Job(url: "https://example.com/hook")).ToList();
        await _store.SubmitAsync(jobs, 10, default);
        await _store.ClaimAsync("w", 2, Lease, default);

        var results = await _store.FinishAsync("w", jobs.Select(j => new JobOutcome(j.Id, 1, JobStatus.Failed, null, "boom")).ToList(), default);

        Assert.Equal([true, true, false], results);
        Assert.Equal(JobStatus.Pending, (await _store.GetAsync(jobs[2].Id, default))!.Status);
        Assert.All(jobs.Take(2), j => Assert.Equal("boom", _store.GetAsync(j.Id, default).Result!.Error));
    }

    [Fact]
    public async Task Cancel_of_a_pending_job_skips_its_callback_and_a_running_one_is_flagged_for_its_worker()
    {
        var pending = Job(url: "https://example.com/a");
        var running = Job(url: "https://example.com/b");
        await _store.SubmitAsync([running, pending], 10, default);
        await _store.ClaimAsync("w", 1, Lease, default);

        Assert.Equal(CancelResult.Canceled, await _store.CancelAsync(pending.Id, default));
        Assert.Equal(CancelResult.CancelRequested, await _store.CancelAsync(running.Id, default));
        Assert.Equal(CancelResult.AlreadyFinished, await _store.CancelAsync(pending.Id, default));
        Assert.Equal(CancelResult.NotFound, await _store.CancelAsync("missing", default));

        var canceled = await _store.GetAsync(pending.Id, default);
        Assert.Equal(JobStatus.Canceled, canceled!.Status);
        Assert.Equal(CallbackStatus.Skipped, canceled.CallbackStatus);
        Assert.Equal("canceled_before_start", canceled.CallbackLastError);
        var beat = await _store.HeartbeatAsync("w", [new LeasedJob(running.Id, 1)], Lease, default);
        Assert.Equal([running.Id], beat.CancelRequested);
        Assert.Empty(beat.Lost);
    }

    [Fact]
    public async Task An_expired_lease_is_rescued_then_failed_once_attempts_run_out()
    {
        var job = Job(url: "https://example.com/hook");
        await _store.SubmitAsync([job], 10, default);
        await _store.ClaimAsync("dead", 1, Lease, default);

        Assert.Equal(0, await _store.RescueExpiredAsync(2, default));
        Time.Advance(Lease + TimeSpan.FromSeconds(1));
        Assert.Equal(1, await _store.RescueExpiredAsync(2, default));
        var second = await _store.ClaimAsync("alive", 1, Lease, default);
        var lostBeat = await _store.HeartbeatAsync("dead", [new LeasedJob(job.Id, 1)], Lease, default);
        Time.Advance(Lease + TimeSpan.FromSeconds(1));
        await _store.RescueExpiredAsync(2, default);

        Assert.Equal(2, second.Single().Attempt);
        Assert.Equal([job.Id], lostBeat.Lost);
        var read = await _store.GetAsync(job.Id, default);
        Assert.Equal(JobStatus.Failed, read!.Status);
        Assert.Equal("worker lost: lease expired on attempt 2 of 2", read.Error);
        Assert.Equal(CallbackStatus.Pending, read.CallbackStatus);
    }

    [Fact]
    public async Task Heartbeats_keep_a_lease_alive()
    {
        var job = Job();
        await _store.SubmitAsync([job], 10, default);
        await _store.ClaimAsync("w", 1, Lease, default);
        for (var i = 0; i < 3; i++)
        {
            Time.Advance(Lease / 2);
            await _store.HeartbeatAsync("w", [new LeasedJob(job.Id, 1)], Lease, default);
        }

        Assert.Equal(0, await _store.RescueExpiredAsync(3, default));
        Assert.Equal(JobStatus.InProgress, (await _store.GetAsync(job.Id, default))!.Status);
    }

    [Fact]
    public async Task Released_jobs_go_back_to_pending_without_using_an_attempt()
    {
        var job = Job();
        await _store.SubmitAsync([job], 10, default);
        await _store.ClaimAsync("w", 1, Lease, default);

        await _store.ReleaseAsync("w", [new LeasedJob(job.Id, 1)], default);
        var again = await _store.ClaimAsync("other", 1, Lease, default);

        Assert.Equal(1, again.Single().Attempt);
    }

    [Fact]
    public async Task A_running_job_asked_to_cancel_whose_worker_died_ends_canceled()
    {
        var job = Job();
        await _store.SubmitAsync([job], 10, default);
        await _store.ClaimAsync("dead", 1, Lease, default);
        await _store.CancelAsync(job.Id, default);

        Time.Advance(Lease + TimeSpan.FromSeconds(1));
        await _store.RescueExpiredAsync(3, default);

        Assert.Equal(JobStatus.Canceled, (await _store.GetAsync(job.Id, default))!.Status);
    }

    [Fact]
    public async Task Progress_is_recorded_only_for_the_lease_holder()
    {
        var job = Job();
        await _store.SubmitAsync([job], 10, default);
        await _store.ClaimAsync("w", 1, Lease, default);

        await _store.SetProgressAsync("w", new LeasedJob(job.Id, 1), 42, default);
        await _store.SetProgressAsync("intruder", new LeasedJob(job.Id, 1), 99, default);

        Assert.Equal(42, (await _store.GetAsync(job.Id, default))!.Progress);
    }

    [Fact]
    public async Task Listing_is_per_tenant_newest_first_filtered_and_paged()
    {
        var mine = Enumerable.Range(0, 7).Select(_ => Job()).ToList();
        await _store.SubmitAsync([.. mine, Job("t2")], 100, default);
        await _store.ClaimAsync("w", 2, Lease, default);

        var page1 = await _store.ListAsync("t1", null, 4, null, default);
        var page2 = await _store.ListAsync("t1", null, 4, page1.NextCursor, default);
        var running = await _store.ListAsync("t1", JobStatus.InProgress, 50, null, default);

        mine.Reverse();
        Assert.Equal(mine.Take(4).Select(j => j.Id), page1.Jobs.Select(j => j.Id));
        Assert.Equal(mine.Skip(4).Select(j => j.Id), page2.Jobs.Select(j => j.Id));
        Assert.Null(page2.NextCursor);
        Assert.Equal(2, running.Jobs.Count);
    }
}

public sealed class SqliteJobStoreConformance() : JobStoreConformance(new SqliteTestStore());
