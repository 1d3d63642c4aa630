using Boomerang.IntegrationTests.Infrastructure;
using static Boomerang.IntegrationTests.Dedup2D.Dedup2DHarness;
using static Boomerang.IntegrationTests.Dedup2D.Index.IndexHarness;

namespace Boomerang.IntegrationTests.Dedup2D.Index;

/// <summary>Two server hosts on one shared store (PostgreSQL schema or Redis prefix) and one shared originals folder: each
/// node's in-memory index follows the adds, deletes and rebuilds made on the other through the change sequence.</summary>
public sealed class IndexMultiNodeTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private static async Task TwoNodesFollowEachOtherAsync(Dictionary<string, string> store)
    {
        using var folderA = new TempFolder();
        using var folderB = new TempFolder();
        using var shared = new TempFolder();
        (string, string)[] settings = [.. store.Select(kv => (kv.Key, kv.Value)), ("Boomerang:Dedup2D:BuiltIn:DataDir", DataDir(shared))];
        await using var a = await StartAsync(folderA, settings);
        await using var b = await StartAsync(folderB, settings);
        var sheet = Sheet(21);
        var other = Sheet(22);

        var onB = await b.Client.AddAsync(other, "other.png");
        var hash = await a.Client.AddAsync(sheet, "sheet.png");
        await Eventually.WaitAsync(async () => (await b.Client.FoundAsync(sheet)).Contains(hash), "node B to find what node A added", Deadline);
        await Eventually.WaitAsync(async () => (await a.Client.FoundAsync(other)).Contains(onB), "node A to find what node B added", Deadline);
        Assert.Equal(2, (await b.Client.ListAllAsync(10)).Count);

        var (deleted, _, _) = await a.Client.SendAsync(HttpMethod.Delete, $"/index/{hash}");
        Assert.Equal(200, deleted);
        await Eventually.WaitAsync(async () => !(await b.Client.FoundAsync(sheet)).Contains(hash), "node B to stop finding what node A deleted", Deadline);
        var (again, _, _) = await b.Client.SendAsync(HttpMethod.Delete, $"/index/{hash}");
        Assert.Equal(404, again);
        await Eventually.WaitAsync(async () => (int)(await b.Client.SendAsync(HttpMethod.Get, "/health")).Body!["indexes"]!["l1"]! == 1,
            "node B's index size to follow the delete", Deadline);

        // A rebuild started on B while A serves searches: both keep finding B's drawing.
        var (_, rebuild, _) = await b.Client.SendAsync(HttpMethod.Post, "/index/rebuild");
        var job = await a.Client.WaitForJobAsync((string)rebuild!["job_id"]!, "completed", "failed");
        Assert.Equal(1, (int)job["result"]!["rebuilt"]!);
        Assert.Contains(onB, await a.Client.FoundAsync(other));
    }

    [Fact]
    public async Task On_postgres_an_add_on_one_node_is_found_on_the_other_and_a_delete_stops_it_being_found()
    {
        await using var schema = new TestSchema();
        await TwoNodesFollowEachOtherAsync(await schema.SettingsAsync());
    }

    [Fact]
    public async Task On_redis_an_add_on_one_node_is_found_on_the_other_and_a_delete_stops_it_being_found()
    {
        var configuration = await TestRedis.ConfigurationAsync();
        await TwoNodesFollowEachOtherAsync(TestRedis.Settings(configuration, TestRedis.NewPrefix()));
    }
}
