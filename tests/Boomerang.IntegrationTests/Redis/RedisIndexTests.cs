using System.Text;
using Boomerang.Jobs;
using Boomerang.Server.Dashboard;
using Boomerang.Server.Metrics;
using Boomerang.Server.Storage;
using StackExchange.Redis;

namespace Boomerang.IntegrationTests.Redis;

/// <summary>The Redis store's indexes (counts, finished, deliveries) stay true through every transition, and retention
/// takes a job's every key and index entry with it.</summary>
public sealed class RedisIndexTests : RedisStoreTest
{
    private static NewJob Job(string tenant = "t1", string? url = null, string? key = null, bool progress = false) =>
        new(Guid.CreateVersion7().ToString(), tenant, "echo", "1", key, url, progress);

    [Fact]
    public async Task A_purged_job_leaves_no_key_no_index_entry_and_no_count_behind()
    {
        // What stays: a finished job whose callback is still retrying, and a running job.
        var retrying = Job(url: Hook);
        var waiting = Job(tenant: "t2");
        await Store.SubmitAsync([retrying], 10, default);
        var claimed = Assert.Single(await Store.ClaimAsync("w", 10, Lease, default));
        await Store.FinishAsync("w", [new JobOutcome(retrying.Id, claimed.Attempt, JobStatus.Completed, "1", null)], default);
        var due = Assert.Single(await Store.ClaimDeliveriesAsync("d", 10, Lease, [], default));
        await Store.RecordAttemptsAsync("d", [new DeliveryAttempt(due, Now, 1, 503, "HTTP 503", null, CallbackStatus.Pending, Now + 86400 * 30)], default);
        await Store.SubmitAsync([waiting], 10, default);
        Assert.Equal(waiting.Id, Assert.Single(await Store.ClaimAsync("w", 10, TimeSpan.FromDays(30), default)).Id);
        var before = await SnapshotAsync();

        // The job that goes: an idempotency key, a result, a progress callback and a terminal one, both delivered.
        var gone = Job(url: Hook, key: "order-7", progress: true);
        await Store.SubmitAsync([gone], 10, default);
        var lease = Assert.Single(await Store.ClaimAsync("w", 1, Lease, default));
        await Store.SetProgressAsync("w", new LeasedJob(gone.Id, lease.Attempt), 50, default);
        await Store.FinishAsync("w", [new JobOutcome(gone.Id, lease.Attempt, JobStatus.Completed, """{"ok":true}""", null)], default);
        var deliveries = await Store.ClaimDeliveriesAsync("d", 10, Lease, [], default);
        Assert.Equal(2, deliveries.Count(d => d.JobId == gone.Id));
        await Store.RecordAttemptsAsync("d", deliveries.Where(d => d.JobId == gone.Id)
            .Select(d => new DeliveryAttempt(d, Now, 1, 200, null, "ok", CallbackStatus.Success, null)).ToList(), default);
        Assert.Equal(new Finished(2, 2), await Store.FinishedSinceAsync("t1", Now - 60, default));
        Time.Advance(TimeSpan.FromDays(2));

        var purged = await Store.PurgeFinishedAsync(TimeSpan.FromDays(1), 500, default);

        Assert.Equal(1, purged);
        var after = await SnapshotAsync();
        // seq and dseq are the store's counters: they only go up.
        before.Remove($"{Prefix}:seq");
        after.Remove($"{Prefix}:seq");
        before.Remove($"{Prefix}:dseq");
        after.Remove($"{Prefix}:dseq");
        Assert.Equal(before, after);
        Assert.DoesNotContain(after, e => e.Key.Contains(gone.Id, StringComparison.Ordinal) || e.Value.Contains(gone.Id, StringComparison.Ordinal));
        Assert.NotNull(await Store.GetAsync(retrying.Id, default));
        // Its idempotency key is free again.
        Assert.Equal(SubmitResult.Created, Assert.Single(await Store.SubmitAsync([gone with { Id = Guid.CreateVersion7().ToString() }], 10, default)).Result);
    }

    [Fact]
    public async Task Status_counts_and_active_gauges_follow_cancel_release_rescue_and_finish_per_tenant()
    {
        var jobs = Enumerable.Range(0, 6).Select(i => Job(tenant: i % 2 == 0 ? "a" : "b", url: i == 0 ? Hook : null)).ToList();
        await Store.SubmitAsync(jobs, 100, default);
        await Store.CancelAsync(jobs[5].Id, default);
        var claimed = await Store.ClaimAsync("w", 4, Lease, default);
        await Store.ReleaseAsync("w", [new LeasedJob(claimed[3].Id, claimed[3].Attempt)], default);
        await Store.FinishAsync("w", [new JobOutcome(claimed[0].Id, claimed[0].Attempt, JobStatus.Completed, "1", null),
            new JobOutcome(claimed[1].Id, claimed[1].Attempt, JobStatus.Failed, null, "boom")], default);
        Time.Advance(Lease + TimeSpan.FromSeconds(1));
        // claimed[2]'s lease expired: with attempts left it is requeued; then claimed again and rescued for good.
        Assert.Equal(1, await Store.RescueExpiredAsync(3, default));
        await Store.ClaimAsync("w2", 1, Lease, default);
        Time.Advance(Lease + TimeSpan.FromSeconds(1));
        Assert.Equal(1, await Store.RescueExpiredAsync(1, default));
        await Store.ClaimAsync("w3", 1, Lease, default);

        foreach (var tenant in new string?[] { "a", "b", null })
        {
            var actual = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var j in jobs.Where(j => tenant is null || j.TenantId == tenant))
            {
                var status = (await Store.GetAsync(j.Id, default))!.Status;
                actual[status] = actual.GetValueOrDefault(status) + 1;
            }
            Assert.Equal(actual.OrderBy(e => e.Key), (await Store.CountByStatusAsync(tenant, default)).OrderBy(e => e.Key));
        }
        var all = await Store.CountByStatusAsync(null, default);
        Assert.Equal((all.GetValueOrDefault(JobStatus.Pending), all.GetValueOrDefault(JobStatus.InProgress)),
            await ((IJobCounts)Store).CountActiveAsync(default));
        Assert.Equal(4, (await Store.FinishedSinceAsync(null, 0, default)).Jobs);
    }

    [Fact]
    public async Task A_first_attempt_that_lands_stays_on_its_delivery_and_every_other_attempt_goes_to_the_jobs_list()
    {
        var jobs = new[] { Job(url: Hook), Job(url: Hook) };
        await Store.SubmitAsync(jobs, 10, default);
        var claimed = await Store.ClaimAsync("w", 10, Lease, default);
        await Store.FinishAsync("w", claimed.Select(c => new JobOutcome(c.Id, c.Attempt, JobStatus.Completed, "1", null)).ToList(), default);
        var due = await Store.ClaimDeliveriesAsync("d", 10, Lease, [], default);
        var (landed, refused) = (due.Single(d => d.JobId == jobs[0].Id), due.Single(d => d.JobId == jobs[1].Id));
        await Store.RecordAttemptsAsync("d", [new DeliveryAttempt(landed, Now, 1, 200, null, "ok", CallbackStatus.Success, null),
            new DeliveryAttempt(refused, Now, 1, 503, "HTTP 503", null, CallbackStatus.Pending, Now + 60)], default);
        var db = Stores.Redis.GetDatabase();

        // No list key for the job whose callback landed at once: the one write that finished its delivery holds it.
        Assert.False(await db.KeyExistsAsync($"{Prefix}:attempts:{jobs[0].Id}"));
        Assert.Contains("\"http_status\":200", (string?)await db.HashGetAsync($"{Prefix}:delivery:{landed.Seq}", "attempt"), StringComparison.Ordinal);
        Assert.Equal(1, await db.ListLengthAsync($"{Prefix}:attempts:{jobs[1].Id}"));
        Assert.True((await db.HashGetAsync($"{Prefix}:delivery:{refused.Seq}", "attempt")).IsNull);
        Assert.Equal([200], (await Store.ListAttemptsAsync(jobs[0].Id, default)).Select(a => a.HttpStatus));
        Assert.Equal([503], (await Store.ListAttemptsAsync(jobs[1].Id, default)).Select(a => a.HttpStatus));
    }

    [Fact]
    public async Task A_kept_attempt_is_listed_for_a_job_written_before_jobs_listed_their_deliveries()
    {
        var job = Job(url: Hook);
        await Store.SubmitAsync([job], 10, default);
        var claimed = Assert.Single(await Store.ClaimAsync("w", 10, Lease, default));
        await Store.FinishAsync("w", [new JobOutcome(job.Id, claimed.Attempt, JobStatus.Completed, "1", null)], default);
        var due = Assert.Single(await Store.ClaimDeliveriesAsync("d", 10, Lease, [], default));
        await Store.RecordAttemptsAsync("d", [new DeliveryAttempt(due, Now, 1, 200, null, "ok", CallbackStatus.Success, null)], default);
        // Older job hashes named their terminal delivery in 'delivery' only.
        await Stores.Redis.GetDatabase().HashDeleteAsync($"{Prefix}:job:{job.Id}", "deliveries");

        Assert.Equal([(due.WebhookId, 200)], (await Store.ListAttemptsAsync(job.Id, default)).Select(a => (a.WebhookId, a.HttpStatus ?? 0)));
    }

    /// <summary>Every key under the prefix with its type and content, sorted, as text.</summary>
    private async Task<Dictionary<string, string>> SnapshotAsync()
    {
        var db = Stores.Redis.GetDatabase();
        var server = Stores.Redis.GetServers().Single();
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
