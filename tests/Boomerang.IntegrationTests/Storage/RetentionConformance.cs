using Boomerang.IntegrationTests.Infrastructure;
using Boomerang.Jobs;
using Boomerang.Server.Storage;

namespace Boomerang.IntegrationTests.Storage;

/// <summary>Retention, on every store (SQLite, PostgreSQL, Redis): finished jobs past their time go, with their
/// deliveries and attempts, in small batches.</summary>
public abstract class RetentionConformance : IAsyncLifetime
{
    private readonly ITestJobStore _stores;

    private protected RetentionConformance(ITestJobStore stores) => _stores = stores;

    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Keep = TimeSpan.FromHours(1);
    private const string Hook = "https://example.com/hook";
    private readonly ManualTime Time = new();
    private IJobStore _store = null!;

    public async Task InitializeAsync()
    {
        _store = await _stores.CreateAsync(Time);
        await _store.MigrateAsync(default);
    }

    public Task DisposeAsync() => _stores.DisposeAsync().AsTask();

    private double Now => Time.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0;

    private static NewJob Job(string? url = null) => new(Guid.CreateVersion7().ToString(), "t1", "echo", "1", null, url, false);

    private IFinishedJobPurge Purge => (IFinishedJobPurge)_store;

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
            await Purge.PurgeFinishedAsync(Keep, 1, default),
            await Purge.PurgeFinishedAsync(Keep, 1, default),
            await Purge.PurgeFinishedAsync(Keep, 1, default),
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

public sealed class SqliteRetentionConformance() : RetentionConformance(new SqliteTestStore());

public sealed class PostgresRetentionConformance() : RetentionConformance(new PostgresTestStore());

public sealed class RedisRetentionConformance() : RetentionConformance(new RedisTestStore());
