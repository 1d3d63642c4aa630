using Boomerang.Jobs;
using Boomerang.Server.Storage;
using Boomerang.Server.Storage.Redis;
using StackExchange.Redis;

namespace Boomerang.IntegrationTests.Redis;

/// <summary>The scripts gather their index writes into one command per key at their end (chunked past a few thousand
/// members), and listing reads the candidates' records in one pass: large batches and odd index entries.</summary>
public sealed class RedisBatchTests : RedisStoreTest
{
    private static NewJob Job(string tenant = "t1", string? url = Hook) =>
        new(Guid.CreateVersion7().ToString(), tenant, "echo", "1", null, url, false);

    [Fact]
    public async Task A_batch_of_2500_jobs_submitted_claimed_finished_and_delivered_one_script_each_leaves_every_index_true()
    {
        const int n = 2500;
        var jobs = Enumerable.Range(0, n).Select(_ => Job()).ToList();
        Assert.All(await Store.SubmitAsync(jobs, 1_000_000, default), o => Assert.Equal(SubmitResult.Created, o.Result));
        var db = Stores.Redis.GetDatabase();
        Assert.Equal(n, await db.SortedSetLengthAsync($"{Prefix}:pending"));
        Assert.Equal(n, await db.SortedSetLengthAsync($"{Prefix}:tenant:t1:s:pending"));
        Assert.Equal(n, (long)await db.HashGetAsync($"{Prefix}:counts", "pending"));

        var claimed = await Store.ClaimAsync("w", n, Lease, default);
        Assert.Equal(jobs.Select(j => j.Id), claimed.Select(c => c.Id));
        Assert.All(claimed, c => Assert.Equal(1, c.Attempt));
        Assert.Equal(n, await db.SortedSetLengthAsync($"{Prefix}:running"));
        Assert.Equal(0, await db.SortedSetLengthAsync($"{Prefix}:pending"));
        Assert.Equal(n, (long)await db.HashGetAsync($"{Prefix}:counts", "in_progress"));
        Assert.False(await db.HashExistsAsync($"{Prefix}:counts", "pending"));

        var batch = await Store.FinishAndLeaseAsync("w", claimed.Select(c => new JobOutcome(c.Id, c.Attempt, JobStatus.Completed, "1", null)).ToList(),
            "d", Lease, n, default);
        Assert.All(batch.Finished, Assert.True);
        Assert.Equal(n, batch.Leased.Count);
        Assert.Equal(n, await db.SortedSetLengthAsync($"{Prefix}:dleased"));
        var recorded = await Store.RecordAttemptsAsync("d", batch.Leased.Select(d => new DeliveryAttempt(d, Now, 1, 200, null, "ok",
            CallbackStatus.Success, null)).ToList(), default);
        Assert.All(recorded, Assert.True);

        var counts = await db.HashGetAllAsync($"{Prefix}:counts");
        Assert.Equal(("completed", (long)n), Assert.Single(counts.Select(e => ((string)e.Name!, (long)e.Value))));
        foreach (var (key, expected) in new (string, long)[]
                 {
                     ("running", 0), ("pending", 0), ("due", 0), ("dleased", 0), ("tenant:t1:s:in_progress", 0),
                     ("tenant:t1:s:completed", n), ("finished", n), ("tenant:t1:finished", n), ("jobs", n), ("tenant:t1:jobs", n),
                     ("deliveries", n), ("tenant:t1:deliveries", n), ("delivered", n), ("tenant:t1:delivered", n),
                 })
        {
            Assert.True(expected == await db.SortedSetLengthAsync($"{Prefix}:{key}"), key);
        }
        Assert.Equal(0, await db.SetLengthAsync($"{Prefix}:active"));
        foreach (var d in batch.Leased.Take(50))
        {
            var job = (await Store.GetAsync(d.JobId, default))!;
            Assert.Equal<(string, int, string?, string?, int?, int?)>((JobStatus.Completed, 100, "1", CallbackStatus.Success, 1, 200),
                (job.Status, job.Progress, job.ResultJson, job.CallbackStatus, job.CallbackAttempts, job.CallbackHttpStatus));
            Assert.Equal(d.Seq.ToString(System.Globalization.CultureInfo.InvariantCulture), (string?)await db.HashGetAsync($"{Prefix}:job:{d.JobId}", "deliveries"));
        }
    }

    [Fact]
    public async Task Listing_skips_a_seed_era_entry_and_a_job_deleted_by_hand_and_still_fills_each_page_with_a_true_cursor()
    {
        var jobs = new List<NewJob>();
        for (var i = 0; i < 6; i++)
        {
            jobs.Add(Job(url: null));
            await Store.SubmitAsync([jobs[^1]], 100, default);
        }
        var db = Stores.Redis.GetDatabase();
        // A seed-era job (no seq) in the tenant's index between the 4th and the 5th, and the 2nd job's hash deleted by hand.
        await db.HashSetAsync($"{Prefix}:job:seed-1", [new HashEntry("status", "completed"), new HashEntry("tenant_id", "t1")]);
        await db.SortedSetAddAsync($"{Prefix}:tenant:t1:jobs", "seed-1", 4.5);
        await db.KeyDeleteAsync($"{Prefix}:job:{jobs[1].Id}");

        var first = await Store.ListAsync("t1", null, 2, null, default);
        var second = await Store.ListAsync("t1", null, 2, first.NextCursor, default);
        var third = await Store.ListAsync("t1", null, 2, second.NextCursor, default);

        Assert.Equal(new[] { jobs[5].Id, jobs[4].Id }, first.Jobs.Select(j => j.Id));
        Assert.Equal(new[] { jobs[3].Id, jobs[2].Id }, second.Jobs.Select(j => j.Id));
        Assert.Equal(new[] { jobs[0].Id }, third.Jobs.Select(j => j.Id));
        Assert.Null(third.NextCursor);

        // By status: the claimed ones (the deleted job's pending entry is dropped by the claim), newest first, a page at a time.
        var claimed = await Store.ClaimAsync("w", 3, Lease, default);
        Assert.Equal(new[] { jobs[0].Id, jobs[2].Id }, claimed.Select(c => c.Id));
        var running = await Store.ListAsync("t1", JobStatus.InProgress, 1, null, default);
        var rest = await Store.ListAsync("t1", JobStatus.InProgress, 1, running.NextCursor, default);
        Assert.Equal(new[] { jobs[2].Id, jobs[0].Id }, running.Jobs.Concat(rest.Jobs).Select(j => j.Id));
        Assert.NotNull(running.NextCursor);
        Assert.Null(rest.NextCursor);
        Assert.Equal(new[] { jobs[5].Id, jobs[4].Id, jobs[3].Id }, (await Store.ListAsync("t1", JobStatus.Pending, 5, null, default)).Jobs.Select(j => j.Id));
    }
    [Fact]
    public async Task A_delivery_claim_past_a_backlog_for_an_excluded_host_takes_the_others_once_each_and_expired_leases_come_back()
    {
        var busy = Enumerable.Range(0, 600).Select(_ => Job(url: "https://busy.example/hook")).ToList();
        var quiet = Enumerable.Range(0, 5).Select(_ => Job(url: "https://quiet.example/hook")).ToList();
        await Store.SubmitAsync([.. busy, .. quiet], 1000, default);
        var claimed = await Store.ClaimAsync("w", 1000, Lease, default);
        await Store.FinishAsync("w", claimed.Select(c => new JobOutcome(c.Id, c.Attempt, JobStatus.Completed, "1", null)).ToList(), default);
        var host = DeliveryHost.Of("https://busy.example/hook");
        // All due at the same time, so by seq as text: the quiet host's (601-605) come after more than 256 busy ones, past
        // the scan's first chunk.

        var others = await Store.ClaimDeliveriesAsync("d", 10, Lease, [host], default);
        var backlog = await Store.ClaimDeliveriesAsync("d", 1000, Lease, [], default);

        Assert.Equal(quiet.Select(j => j.Id).Order(), others.Select(d => d.JobId).Order());
        Assert.Equal(busy.Select(j => j.Id).Order(), backlog.Select(d => d.JobId).Order());
        Assert.Equal(605, others.Concat(backlog).Select(d => d.Seq).Distinct().Count());
        Assert.Empty(await Store.ClaimDeliveriesAsync("d", 1000, Lease, [], default));
        Time.Advance(Lease + TimeSpan.FromSeconds(1));
        var again = await Store.ClaimDeliveriesAsync("e", 1000, Lease, [], default);
        Assert.Equal(others.Concat(backlog).Select(d => d.Seq).Order(), again.Select(d => d.Seq).Order());
        Assert.Equal(605, await Stores.Redis.GetDatabase().SortedSetLengthAsync($"{Prefix}:dleased"));
        Assert.Equal(0, await Stores.Redis.GetDatabase().SortedSetLengthAsync($"{Prefix}:due"));
    }
}
