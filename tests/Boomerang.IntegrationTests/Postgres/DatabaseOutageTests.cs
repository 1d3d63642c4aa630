using System.Net;
using System.Text.RegularExpressions;
using Boomerang.IntegrationTests.Callbacks;
using Boomerang.IntegrationTests.Infrastructure;
using Boomerang.Jobs;

namespace Boomerang.IntegrationTests.Postgres;

/// <summary>A PostgreSQL restart under a running deployment: a private cluster this test stops and starts.</summary>
public sealed partial class DatabaseOutageTests
{
    [Fact]
    public async Task A_database_restart_makes_readyz_fail_then_the_service_resumes_by_itself_losing_no_job_or_callback()
    {
        await using var cluster = await PostgresCluster.StartNewAsync();
        await using var receiver = await CallbackReceiver.StartAsync();
        using var folder = new TempFolder();
        var settings = CallbackSettings.Loopback(
            ("Boomerang:Auth:ApiKeys:0", TestServer.KeyA),
            ("Boomerang:Storage:Provider", "postgres"),
            ("Boomerang:Storage:Postgres:ConnectionString", cluster.ConnectionString),
            // Slow polling: quick pickup after the restart can only come from the re-established LISTEN.
            ("Boomerang:Jobs:PollIntervalSeconds", "30"),
            ("Boomerang:Callbacks:PollIntervalSeconds", "30"));
        await using var api = await ServerProcess.StartReadyAsync(folder.Path, new Dictionary<string, string>(settings) { ["Boomerang:Roles"] = "api" });
        await using var worker = await ServerProcess.StartReadyAsync(folder.Path,
            new Dictionary<string, string>(settings) { ["Boomerang:Roles"] = "worker,dispatcher" });
        using var client = api.CreateClient();
        using var workerProbe = worker.CreateClient(null);

        // 20 jobs of 2 s on 16 slots: some finish while the database is down, some are still pending.
        var before = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            before.Add((await client.SubmitAsync(new { kind = "sleep", input = new { ms = 2000 }, callback_url = receiver.Url() })).JobId);
        }
        await client.WaitForStatusAsync(before[0], JobStatus.InProgress);

        await cluster.StopAsync();
        await Eventually.WaitAsync(async () => (await client.GetAsync("/readyz")).StatusCode == HttpStatusCode.ServiceUnavailable,
            "the api node to report not ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await workerProbe.GetAsync("/readyz")).StatusCode);
        var refused = await client.PostJsonAsync("/api/v1/jobs", new { kind = "echo", input = 1 });
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal("STORE_UNAVAILABLE", (await refused.ReadJsonAsync()).GetProperty("detail").GetProperty("error").GetString());
        // Dedup2D's tables live in the same database: its routes answer the same way, not 500.
        foreach (var dedup in new[] { "/api/v1/dedup/2d/config", "/api/v1/dedup/2d/index" })
        {
            var down = await client.GetAsync(dedup);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
            Assert.Equal("STORE_UNAVAILABLE", (await down.ReadJsonAsync()).GetProperty("detail").GetProperty("error").GetString());
        }
        await Eventually.WaitAsync(() => Task.FromResult(worker.Stdout.Contains("LISTEN connection lost", StringComparison.Ordinal)),
            "the worker to notice the outage");
        // The outage itself is a span of time, not a wait for an event: long enough for the running jobs to end
        // while their outcomes cannot be written.
        await Task.Delay(TimeSpan.FromSeconds(3));

        await cluster.StartAsync();
        await Eventually.WaitAsync(async () => (await client.GetAsync("/readyz")).StatusCode == HttpStatusCode.OK,
            "the api node to be ready again", TimeSpan.FromSeconds(30));
        await Eventually.WaitAsync(async () => (await workerProbe.GetAsync("/readyz")).StatusCode == HttpStatusCode.OK,
            "the worker node to be ready again", TimeSpan.FromSeconds(30));
        foreach (var id in before)
        {
            var job = await Eventually.GetAsync(() => client.GetJobAsync(id), j => j.Status == JobStatus.Completed, $"job {id}",
                TimeSpan.FromSeconds(60));
            // The outcome written during the outage was retried, not lost: no job ran twice.
            Assert.Equal(1, job.Attempt);
        }
        await receiver.WaitForAsync(20, TimeSpan.FromSeconds(30));

        // Everything is idle now and polls every 30 s: a job submitted on the api node is picked up at once only if
        // the worker's LISTEN connection came back.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var after = (await client.SubmitAsync(new { kind = "echo", input = 2, callback_url = receiver.Url() })).JobId;
        var callbacks = await receiver.WaitForAsync(21, TimeSpan.FromSeconds(10));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"pickup after the restart took {clock.Elapsed}");
        Assert.Equal(before.Append(after).Order(), callbacks.Select(c => c.Json.GetProperty("job_id").GetString()!).Distinct().Order());
        // Loops back off while the store is down (100 ms doubling to 5 s): a few seconds of outage log a handful of failures.
        Assert.InRange(LoopFailures().Count(worker.Stdout), 0, 30);
    }

    [GeneratedRegex("loop failed")]
    private static partial Regex LoopFailures();
}
