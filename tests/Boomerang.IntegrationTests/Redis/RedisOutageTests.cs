using System.Net;
using System.Text.RegularExpressions;
using Boomerang.IntegrationTests.Callbacks;
using Boomerang.IntegrationTests.Infrastructure;
using Boomerang.Jobs;

namespace Boomerang.IntegrationTests.Redis;

/// <summary>Redis killed -9 and restarted under a running deployment: a private redis-server (AOF, appendfsync always).</summary>
public sealed partial class RedisOutageTests
{
    private static Dictionary<string, string> Settings(RedisServer redis, params (string Key, string Value)[] extra)
    {
        var settings = CallbackSettings.Loopback([("Boomerang:Auth:ApiKeys:0", TestServer.KeyA), .. extra]);
        foreach (var (key, value) in TestRedis.Settings(redis.Configuration, TestRedis.NewPrefix()))
        {
            settings[key] = value;
        }
        return settings;
    }

    [Fact]
    public async Task Jobs_acknowledged_before_redis_is_killed_9_are_all_there_after_its_restart()
    {
        await using var redis = await RedisServer.StartNewAsync(appendFsync: "always");
        using var folder = new TempFolder();
        // An API node only: nothing but the submits writes, so what Redis holds afterwards is exactly what it acknowledged.
        await using var api = await ServerProcess.StartReadyAsync(folder.Path,
            new Dictionary<string, string>(Settings(redis)) { ["Boomerang:Roles"] = "api" });
        using var client = api.CreateClient();
        var acknowledged = new System.Collections.Concurrent.ConcurrentBag<string>();
        using var stop = new CancellationTokenSource();

        // Four submitters keep going until Redis is gone, so the kill lands among submits in flight.
        var submitters = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    var response = await client.PostJsonAsync("/api/v1/jobs", new { kind = "echo", input = 1 });
                    if (response.StatusCode != HttpStatusCode.Accepted)
                    {
                        return;
                    }
                    acknowledged.Add((await response.ReadJsonAsync()).GetProperty("job_id").GetString()!);
                }
                catch (HttpRequestException)
                {
                    return;
                }
            }
        })).ToList();
        await Eventually.WaitAsync(() => Task.FromResult(acknowledged.Count >= 300), "300 acknowledged submits", TimeSpan.FromSeconds(60));
        redis.Kill9();
        await Task.WhenAll(submitters).WaitAsync(TimeSpan.FromSeconds(60));
        stop.Cancel();

        await redis.StartAsync();
        await Eventually.WaitAsync(async () => (await client.GetAsync("/readyz")).StatusCode == HttpStatusCode.OK,
            "the api node to be ready again", TimeSpan.FromSeconds(30));
        var missing = new List<string>();
        foreach (var id in acknowledged)
        {
            var response = await client.GetAsync($"/api/v1/jobs/{id}");
            if (response.StatusCode != HttpStatusCode.OK)
            {
                missing.Add(id);
            }
        }

        Assert.Empty(missing);
        Assert.True(acknowledged.Count >= 300);
    }

    [Fact]
    public async Task A_redis_restart_makes_readyz_fail_then_the_service_resumes_by_itself_losing_no_job_or_callback()
    {
        await using var redis = await RedisServer.StartNewAsync(appendFsync: "always");
        await using var receiver = await CallbackReceiver.StartAsync();
        using var folder = new TempFolder();
        var settings = Settings(redis,
            // Slow polling: quick pickup after the restart can only come from the re-established subscription.
            ("Boomerang:Jobs:PollIntervalSeconds", "30"),
            ("Boomerang:Callbacks:PollIntervalSeconds", "30"));
        await using var api = await ServerProcess.StartReadyAsync(folder.Path, new Dictionary<string, string>(settings) { ["Boomerang:Roles"] = "api" });
        await using var worker = await ServerProcess.StartReadyAsync(folder.Path,
            new Dictionary<string, string>(settings) { ["Boomerang:Roles"] = "worker,dispatcher" });
        using var client = api.CreateClient();
        using var workerProbe = worker.CreateClient(null);

        // 20 jobs of 2 s on 16 slots: some finish while Redis is down, some are still pending.
        var before = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            before.Add((await client.SubmitAsync(new { kind = "sleep", input = new { ms = 2000 }, callback_url = receiver.Url() })).JobId);
        }
        // Running (or, on a slow machine, already done): the outage lands while the worker is busy.
        await client.WaitForStatusAsync(before[0], JobStatus.InProgress, JobStatus.Completed);

        redis.Kill9();
        await Eventually.WaitAsync(async () => (await client.GetAsync("/readyz")).StatusCode == HttpStatusCode.ServiceUnavailable,
            "the api node to report not ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await workerProbe.GetAsync("/readyz")).StatusCode);
        var refused = await client.PostJsonAsync("/api/v1/jobs", new { kind = "echo", input = 1 });
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal("STORE_UNAVAILABLE", (await refused.ReadJsonAsync()).GetProperty("detail").GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync($"/api/v1/jobs/{before[0]}")).StatusCode);
        await Eventually.WaitAsync(() => Task.FromResult(worker.Stdout.Contains("Redis pub/sub connection lost", StringComparison.Ordinal)),
            "the worker to notice the outage");
        // The outage itself is a span of time, not a wait for an event: long enough for the running jobs to end
        // while their outcomes cannot be written.
        await Task.Delay(TimeSpan.FromSeconds(3));

        await redis.StartAsync();
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
        // the worker's subscription came back.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var after = (await client.SubmitAsync(new { kind = "echo", input = 2, callback_url = receiver.Url() })).JobId;
        var callbacks = await receiver.WaitForAsync(21, TimeSpan.FromSeconds(10));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"pickup after the restart took {clock.Elapsed}");
        Assert.Equal(before.Append(after).Order(), callbacks.Select(c => c.Json.GetProperty("job_id").GetString()!).Distinct().Order());
        Assert.InRange(LoopFailures().Count(worker.Stdout), 0, 30);
    }

    [GeneratedRegex("loop failed")]
    private static partial Regex LoopFailures();
}
