using Boomerang.IntegrationTests.Infrastructure;
using Boomerang.Jobs;
using Boomerang.Server.Storage;

namespace Boomerang.IntegrationTests.Storage;

/// <summary>The finish that leases its delivery to the local dispatcher, on every store (SQLite, PostgreSQL, Redis). The
/// outbox row is committed with the lease, so nothing depends on the hand-off in memory.</summary>
public abstract class DeliveryHandOffConformance : IAsyncLifetime
{
    private readonly ITestJobStore _stores;

    private protected DeliveryHandOffConformance(ITestJobStore stores) => _stores = stores;

    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);
    private const string Hook = "https://example.com/hook";
    private readonly ManualTime Time = new();
    private IJobStore _store = null!;

    public async Task InitializeAsync()
    {
        _store = await _stores.CreateAsync(Time);
        await _store.MigrateAsync(default);
    }

    public Task DisposeAsync() => _stores.DisposeAsync().AsTask();

    private IDeliveryHandOffStore HandOff => (IDeliveryHandOffStore)_store;

    private static NewJob Job(string? url) => new(Guid.CreateVersion7().ToString(), "t1", "echo", "1", null, url, false);

    private async Task<IReadOnlyList<ClaimedJob>> RunningAsync(params NewJob[] jobs)
    {
        await _store.SubmitAsync(jobs, 100, default);
        return await _store.ClaimAsync("w", jobs.Length, Lease, default);
    }

    [Fact]
    public async Task A_finish_returns_its_due_delivery_leased_to_the_dispatcher_and_no_claim_sees_it_until_the_lease_expires()
    {
        var claimed = await RunningAsync(Job(Hook), Job(url: null));
        var batch = await HandOff.FinishAndLeaseAsync("w",
            claimed.Select(j => new JobOutcome(j.Id, j.Attempt, JobStatus.Completed, "1", null)).ToList(), "d1", Lease, 10, default);

        Assert.Equal([true, true], batch.Finished);
        var handed = Assert.Single(batch.Leased);
        Assert.Equal(claimed.Single(j => j.CallbackUrl is not null).Id, handed.JobId);
        Assert.Equal(CallbackEvent.Completed, handed.Event);
        Assert.Equal(0, handed.Attempts);
        Assert.Empty(await _store.ClaimDeliveriesAsync("d2", 10, Lease, [], default));
        Assert.Equal(CallbackStatus.Pending, (await _store.GetAsync(handed.JobId, default))!.CallbackStatus);

        // The dispatcher died with it: once the lease runs out, any dispatcher claims the same row.
        Time.Advance(Lease + TimeSpan.FromSeconds(1));
        var again = Assert.Single(await _store.ClaimDeliveriesAsync("d2", 10, Lease, [], default));
        Assert.Equal((handed.Seq, handed.WebhookId), (again.Seq, again.WebhookId));
    }

    [Fact]
    public async Task A_handed_off_payload_is_byte_for_byte_the_stored_one_whatever_text_the_result_holds()
    {
        // Quotes, escapes, control characters, non-ASCII and a character outside the BMP, in a batch of several.
        var result = $$"""{"text":"caf\u00e9 \"q\" \\ \n\t \u0001 日本語 😀","long":"{{new string('x', 5000)}}"}""";
        var claimed = await RunningAsync(Job(Hook), Job(Hook), Job(Hook));
        var batch = await HandOff.FinishAndLeaseAsync("w",
            claimed.Select(j => new JobOutcome(j.Id, j.Attempt, JobStatus.Completed, result, null)).ToList(), "d1", Lease, 2, default);

        Assert.Equal(2, batch.Leased.Count);
        Assert.Equal(1, batch.Unleased);
        Time.Advance(Lease + TimeSpan.FromSeconds(1));
        var stored = await _store.ClaimDeliveriesAsync("d2", 10, Lease, [], default);
        Assert.Equal(3, stored.Count);
        foreach (var handed in batch.Leased)
        {
            Assert.Equal(handed.Payload, stored.Single(d => d.Seq == handed.Seq).Payload);
        }
        foreach (var delivery in stored)
        {
            var payload = System.Text.Json.JsonDocument.Parse(delivery.Payload).RootElement;
            Assert.Equal(result, payload.GetProperty("result").GetRawText());
        }
    }

    [Fact]
    public async Task A_handed_off_delivery_is_recorded_by_the_dispatcher_it_was_leased_to()
    {
        var claimed = await RunningAsync(Job(Hook));
        var batch = await HandOff.FinishAndLeaseAsync("w",
            [new JobOutcome(claimed[0].Id, claimed[0].Attempt, JobStatus.Failed, null, "boom")], "d1", Lease, 10, default);
        var handed = Assert.Single(batch.Leased);

        var held = await _store.RecordAttemptsAsync("d1",
            [new DeliveryAttempt(handed, 1, 2, 200, null, "ok", CallbackStatus.Success, null)], default);

        Assert.Equal([true], held);
        var job = await _store.GetAsync(handed.JobId, default);
        Assert.Equal(CallbackStatus.Success, job!.CallbackStatus);
        Assert.Equal(1, job.CallbackAttempts);
        Assert.Equal(CallbackEvent.Failed, handed.Event);
        Assert.Single(await _store.ListAttemptsAsync(handed.JobId, default));
    }

    [Fact]
    public async Task Deliveries_past_the_dispatchers_room_are_written_unleased_for_any_claim()
    {
        var claimed = await RunningAsync(Job(Hook), Job(Hook), Job(Hook));
        var batch = await HandOff.FinishAndLeaseAsync("w",
            claimed.Select(j => new JobOutcome(j.Id, j.Attempt, JobStatus.Completed, "1", null)).ToList(), "d1", Lease, 1, default);

        var handed = Assert.Single(batch.Leased);
        Assert.Equal(2, batch.Unleased);
        var claimable = await _store.ClaimDeliveriesAsync("d2", 10, Lease, [], default);
        Assert.Equal(claimed.Select(j => j.Id).Except([handed.JobId]).Order(), claimable.Select(d => d.JobId).Order());
    }

    [Fact]
    public async Task A_stale_outcome_is_dropped_and_hands_nothing_off()
    {
        var claimed = await RunningAsync(Job(Hook));
        var batch = await HandOff.FinishAndLeaseAsync("w",
            [new JobOutcome(claimed[0].Id, claimed[0].Attempt + 1, JobStatus.Completed, "1", null)], "d1", Lease, 10, default);

        Assert.Equal([false], batch.Finished);
        Assert.Empty(batch.Leased);
    }
}

public sealed class SqliteDeliveryHandOffConformance() : DeliveryHandOffConformance(new SqliteTestStore());

public sealed class PostgresDeliveryHandOffConformance() : DeliveryHandOffConformance(new PostgresTestStore());

public sealed class RedisDeliveryHandOffConformance() : DeliveryHandOffConformance(new RedisTestStore());
