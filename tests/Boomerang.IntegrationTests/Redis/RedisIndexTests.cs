using System.Text;
using Boomerang.IntegrationTests.Infrastructure;
using Boomerang.IntegrationTests.Storage;
using Boomerang.Jobs;
using Boomerang.Server.Dashboard;
using Boomerang.Server.Metrics;
using Boomerang.Server.Storage;
using Boomerang.Server.Storage.Redis;
using StackExchange.Redis;

namespace Boomerang.IntegrationTests.Redis;

/// <summary>The Redis store's indexes (counts, finished, deliveries) stay true through every transition, and retention
/// takes a job's every key and index entry with it.</summary>
public sealed class RedisIndexTests : IAsyncLifetime
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);
    private const string Hook = "https://example.com/hook";
    private readonly ManualTime _time = new();
    private readonly RedisTestStore _stores = new();
    private RedisJobStore _store = null!;

    private string Prefix => _stores.Prefix;

    public async Task InitializeAsync()
    {
        _store = await _stores.CreateRedisAsync(_time);
        await _store.MigrateAsync(default);
    }

    public Task DisposeAsync() => _stores.DisposeAsync().AsTask();

    private double Now => _time.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0;

    private static NewJob Job(string tenant = "t1", string? url = null, string? key = null, bool progress = false) =>
        new(Guid.CreateVersion7().ToString(), tenant, "echo", "1", key, url, progress);

    [Fact]
    public async Task A_purged_job_leaves_no_key_no_index_entry_and_no_count_behind()
    {
        // What stays: a finished job whose callback is still retrying, and a running job.
        var retrying = Job(url: Hook);
        var waiting = Job(tenant: "t2");
        await _store.SubmitAsync([retrying], 10, default);
        var claimed = Assert.Single(await _store.ClaimAsync("w", 10, Lease, default));
        await _store.FinishAsync("w", [new JobOutcome(retrying.Id, claimed.Attempt, JobStatus.Completed, "1", null)], default);
        var due = Assert.Single(await _store.ClaimDeliveriesAsync("d", 10, Lease, [], default));
        await _store.RecordAttemptsAsync("d", [new DeliveryAttempt(due, Now, 1, 503, "HTTP 503", null, CallbackStatus.Pending, Now + 86400 * 30)], default);
        await _store.SubmitAsync([waiting], 10, default);
        Assert.Equal(waiting.Id, Assert.Single(await _store.ClaimAsync("w", 10, TimeSpan.FromDays(30), default)).Id);
        var before = await SnapshotAsync();

        // The job that goes: an idempotency key, a result, a progress callback and a terminal one, both delivered.
        var gone = Job(url: Hook, key: "order-7", progress: true);
        await _store.SubmitAsync([gone], 10, default);
        var lease = Assert.Single(await _store.ClaimAsync("w", 1, Lease, default));
        await _store.SetProgressAsync("w", new LeasedJob(gone.Id, lease.Attempt), 50, default);
        await _store.FinishAsync("w", [new JobOutcome(gone.Id, lease.Attempt, JobStatus.Completed, """{"ok":true}""", null)], default);
        var deliveries = await _store.ClaimDeliveriesAsync("d", 10, Lease, [], default);
        Assert.Equal(2, deliveries.Count(d => d.JobId == gone.Id));
        await _store.RecordAttemptsAsync("d", deliveries.Where(d => d.JobId == gone.Id)
            .Select(d => new DeliveryAttempt(d, Now, 1, 200, null, "ok", CallbackStatus.Success, null)).ToList(), default);
        Assert.Equal(new Finished(2, 2), await _store.FinishedSinceAsync("t1", Now - 60, default));
        _time.Advance(TimeSpan.FromDays(2));

        var purged = await _store.PurgeFinishedAsync(TimeSpan.FromDays(1), 500, default);

        Assert.Equal(1, purged);
        var after = await SnapshotAsync();
        // seq and dseq are the store's counters: they only go up.
        before.Remove($"{Prefix}:seq");
        after.Remove($"{Prefix}:seq");
        before.Remove($"{Prefix}:dseq");
        after.Remove($"{Prefix}:dseq");
        Assert.Equal(before, after);
        Assert.DoesNotContain(after, e => e.Key.Contains(gone.Id, StringComparison.Ordinal) || e.Value.Contains(gone.Id, StringComparison.Ordinal));
        Assert.NotNull(await _store.GetAsync(retrying.Id, default));
        // Its idempotency key is free again.
        Assert.Equal(SubmitResult.Created, Assert.Single(await _store.SubmitAsync([gone with { Id = Guid.CreateVersion7().ToString() }], 10, default)).Result);
    }

    [Fact]
    public async Task Status_counts_and_active_gauges_follow_cancel_release_rescue_and_finish_per_tenant()
    {
        var jobs = Enumerable.Range(0, 6).Select(i => Job(tenant: i % 2 == 0 ? "a" : "b", url: i == 0 ? Hook : null)).ToList();
        await _store.SubmitAsync(jobs, 100, default);
        await _store.CancelAsync(jobs[5].Id, default);
        var claimed = await _store.ClaimAsync("w", 4, Lease, default);
        await _store.ReleaseAsync("w", [new LeasedJob(claimed[3].Id, claimed[3].Attempt)], default);
        await _store.FinishAsync("w", [new JobOutcome(claimed[0].Id, claimed[0].Attempt, JobStatus.Completed, "1", null),
            new JobOutcome(claimed[1].Id, claimed[1].Attempt, JobStatus.Failed, null, "boom")], default);
        _time.Advance(Lease + TimeSpan.FromSeconds(1));
        // claimed[2]'s lease expired: with attempts left it is requeued; then claimed again and rescued for good.
        Assert.Equal(1, await _store.RescueExpiredAsync(3, default));
        await _store.ClaimAsync("w2", 1, Lease, default);
        _time.Advance(Lease + TimeSpan.FromSeconds(1));
        Assert.Equal(1, await _store.RescueExpiredAsync(1, default));
        await _store.ClaimAsync("w3", 1, Lease, default);

        foreach (var tenant in new string?[] { "a", "b", null })
        {
            var actual = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var j in jobs.Where(j => tenant is null || j.TenantId == tenant))
            {
                var status = (await _store.GetAsync(j.Id, default))!.Status;
                actual[status] = actual.GetValueOrDefault(status) + 1;
            }
            Assert.Equal(actual.OrderBy(e => e.Key), (await _store.CountByStatusAsync(tenant, default)).OrderBy(e => e.Key));
        }
        var all = await _store.CountByStatusAsync(null, default);
        Assert.Equal((all.GetValueOrDefault(JobStatus.Pending), all.GetValueOrDefault(JobStatus.InProgress)),
            await ((IJobCounts)_store).CountActiveAsync(default));
        Assert.Equal(4, (await _store.FinishedSinceAsync(null, 0, default)).Jobs);
    }

    /// <summary>Every key under the prefix with its type and content, sorted, as text.</summary>
    private async Task<Dictionary<string, string>> SnapshotAsync()
    {
        var db = _stores.Redis.GetDatabase();
        var server = _stores.Redis.GetServers().Single();
        var snapshot = new Dictionary<string, string>(StringComparer.Ordinal);
        await foreach (var key in server.KeysAsync(pattern: Prefix + ":*"))
        {
            var text = new StringBuilder();
            switch (await db.KeyTypeAsync(key))
            {
                case RedisType.Hash:
                    foreach (var e in (await db.HashGetAllAsync(key)).OrderBy(e => (string)e.Name!, StringComparer.Ordinal))
                    {
                        text.Append(e.Name).Append('=').Append(e.Value).Append(';');
                    }
                    break;
                case RedisType.SortedSet:
                    foreach (var e in await db.SortedSetRangeByRankWithScoresAsync(key))
                    {
                        text.Append(e.Element).Append('@').Append(e.Score).Append(';');
                    }
                    break;
                case RedisType.Set:
                    text.AppendJoin(';', (await db.SetMembersAsync(key)).Select(m => (string)m!).Order(StringComparer.Ordinal));
                    break;
                case RedisType.List:
                    text.AppendJoin(';', await db.ListRangeAsync(key));
                    break;
                case var other:
                    text.Append(other).Append(':').Append(await db.StringGetAsync(key));
                    break;
            }
            snapshot[(string)key!] = text.ToString();
        }
        return snapshot;
    }
}
