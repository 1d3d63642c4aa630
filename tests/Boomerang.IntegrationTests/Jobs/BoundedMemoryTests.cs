using Boomerang.Server.Callbacks;
using System.Net;
using Boomerang.IntegrationTests.Callbacks;
using Boomerang.IntegrationTests.Infrastructure;
using Boomerang.Jobs;

namespace Boomerang.IntegrationTests.Jobs;

/// <summary>Overload keeps a server's memory bounded: what it refuses it does not keep, and what it owes waits in the store.</summary>
public sealed class BoundedMemoryTests
{
    private const int MaxActive = 500;
    private const int FloodBatches = 60;

    [Fact]
    public async Task A_flood_far_past_max_active_and_callbacks_to_a_hanging_host_keep_memory_bounded()
    {
        using var folder = new TempFolder();
        // Every callback request hangs for longer than the test.
        await using var hanging = await CallbackReceiver.StartAsync(new ScriptedResponse(200, Delay: TimeSpan.FromMinutes(10)));
        await using var server = await ServerProcess.StartReadyAsync(folder.Path, CallbackSettings.Loopback(
            ("Boomerang:Auth:ApiKeys:0", TestServer.KeyA),
            ("Boomerang:Jobs:MaxActive", MaxActive.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("Boomerang:Callbacks:TimeoutSeconds", "300")));
        using var client = server.CreateClient();

        // 1,000 finished jobs owe callbacks to the hanging host: a host that never answers never grows past the slow
        // start (HostGates.SlowStart requests in flight), a few times PerHostConcurrency wait in the dispatcher, the rest in the store.
        for (var b = 0; b < 2; b++)
        {
            var owed = await PostBatchAsync(client, Enumerable.Range(0, 500).Select(i => (object)new { kind = "echo", input = i, callback_url = hanging.Url() }));
            foreach (var r in owed.EnumerateArray())
            {
                await client.WaitForStatusAsync(r.GetProperty("job_id").GetString()!, JobStatus.Completed);
            }
        }
        await hanging.WaitForAsync(HostGates.SlowStart, TimeSpan.FromSeconds(30));
        // Long jobs fill the queue to MaxActive.
        await PostBatchAsync(client, Enumerable.Range(0, MaxActive).Select(_ => (object)new { kind = "sleep", input = new { ms = 600_000 } }));

        // Each flood batch is 1,000 items of 6 KB input, all refused: a server that kept them would grow by ~360 MB over the
        // measured batches. The garbage collector's own growth here was 85–130 MB, whatever the number of batches.
        var pad = new string('x', 6 * 1024);
        var flood = Enumerable.Range(0, 1000).Select(i => (object)new { kind = "echo", input = new { i, pad } }).ToList();
        await FloodAsync(client, flood, 10);
        var before = server.ResidentBytes();
        await FloodAsync(client, flood, FloodBatches);
        var after = server.ResidentBytes();

        Assert.True(after - before < 200L * 1024 * 1024,
            $"resident memory grew by {(after - before) / 1024 / 1024} MB over {FloodBatches * 1000} refused submits");
        Assert.Equal(HostGates.SlowStart, hanging.Received.Count);
    }

    private static async Task FloodAsync(HttpClient client, IReadOnlyList<object> items, int batches)
    {
        for (var i = 0; i < batches; i++)
        {
            var results = await PostBatchAsync(client, items);
            Assert.All(results.EnumerateArray(), r => Assert.Equal((int)HttpStatusCode.TooManyRequests, r.GetProperty("status").GetInt32()));
        }
    }

    private static async Task<System.Text.Json.JsonElement> PostBatchAsync(HttpClient client, IEnumerable<object> jobs)
    {
        using var response = await client.PostJsonAsync("/api/v1/jobs/batch", new { jobs = jobs.ToList() });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.ReadJsonAsync()).GetProperty("results");
    }
}
