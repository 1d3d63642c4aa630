using Boomerang.Server.Storage;

namespace Boomerang.IntegrationTests.Storage;

/// <summary>The SQLite store skips the full count of pending jobs while an upper bound (the seq range from the oldest
/// pending job) leaves room; near capacity it must still answer as the exact count would, loose bound or not.</summary>
public sealed class SqliteAdmissionTests
{
    private static NewJob Job() => new(Guid.CreateVersion7().ToString(), "t1", "echo", """{"n":1}""", null, null, false);

    [Fact]
    public async Task A_canceled_job_between_pending_ones_frees_its_place()
    {
        await using var setup = new SqliteTestStore();
        var store = await setup.CreateAsync(TimeProvider.System);
        await store.MigrateAsync(default);
        var first = await store.SubmitAsync([Job(), Job(), Job()], 3, default);
        await store.CancelAsync(first[1].JobId!, default);

        var one = await store.SubmitAsync([Job()], 3, default);
        var full = await store.SubmitAsync([Job()], 3, default);

        Assert.Equal(SubmitResult.Created, one[0].Result);
        Assert.Equal(SubmitResult.QueueFull, full[0].Result);
        Assert.Equal(3, full[0].ActiveJobs);
    }

    [Fact]
    public async Task A_deep_queue_fills_to_capacity_exactly()
    {
        await using var setup = new SqliteTestStore();
        var store = await setup.CreateAsync(TimeProvider.System);
        await store.MigrateAsync(default);
        await store.SubmitAsync(Enumerable.Range(0, 95).Select(_ => Job()).ToList(), 100, default);
        await store.ClaimAsync("w", 10, TimeSpan.FromMinutes(1), default);

        var batch = await store.SubmitAsync(Enumerable.Range(0, 10).Select(_ => Job()).ToList(), 100, default);

        Assert.Equal(5, batch.Count(o => o.Result == SubmitResult.Created));
        Assert.All(batch.Skip(5), o => Assert.Equal(SubmitResult.QueueFull, o.Result));
    }
}
