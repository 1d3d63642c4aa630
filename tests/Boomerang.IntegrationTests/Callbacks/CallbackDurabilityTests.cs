using Boomerang.IntegrationTests.Infrastructure;
using Boomerang.Jobs;

namespace Boomerang.IntegrationTests.Callbacks;

/// <summary>The server as a child process killed with SIGKILL while callbacks are owed.</summary>
public sealed class CallbackDurabilityTests
{
    private static Dictionary<string, string> Settings() => CallbackSettings.Loopback(
        ("Boomerang:Auth:ApiKeys:0", TestServer.KeyA),
        ("Boomerang:Jobs:LeaseSeconds", "1"),
        ("Boomerang:Callbacks:TimeoutSeconds", "1"),
        // Enough attempts that none runs out before the kill however slow the machine is.
        ("Boomerang:Callbacks:MaxAttempts", "100"),
        // The receiver fails everything at first; the circuit breaker would pause it and hold back first attempts.
        ("Boomerang:Callbacks:CircuitFailureThreshold", "1000"),
        ("Boomerang:Callbacks:BackoffMaxSeconds", "0.5"));

    [Fact]
    public async Task Callbacks_owed_between_attempts_are_delivered_after_kill_9_and_restart()
    {
        using var folder = new TempFolder();
        await using var receiver = await CallbackReceiver.StartAsync(new ScriptedResponse(503));
        var ids = new List<string>();
        await using (var first = await ServerProcess.StartReadyAsync(folder.Path, Settings()))
        {
            using var client = first.CreateClient();
            for (var i = 0; i < 5; i++)
            {
                ids.Add((await client.SubmitAsync(new { kind = "echo", input = i, callback_url = receiver.Url() })).JobId);
            }
            foreach (var id in ids)
            {
                await Eventually.GetAsync(() => client.GetJobAsync(id), j => j.CallbackAttempts >= 1, "a failed attempt");
            }
            first.Kill9();
        }
        receiver.Respond(new ScriptedResponse(200));

        await using var second = await ServerProcess.StartReadyAsync(folder.Path, Settings());
        using var again = second.CreateClient();
        foreach (var id in ids)
        {
            var job = await Eventually.GetAsync(() => again.GetJobAsync(id), j => j.CallbackStatus == "success", $"callback of {id}");
            Assert.Equal(JobStatus.Completed, job.Status);
        }
        var delivered = receiver.Received.Where(c => c.Header("x-dedup-job-id") is var j && ids.Contains(j)).ToList();
        Assert.All(ids, id => Assert.Single(delivered.Where(c => c.Header("x-dedup-job-id") == id).Select(c => c.Header("webhook-id")).Distinct()));
    }

    [Fact]
    public async Task A_callback_in_flight_when_the_server_dies_is_sent_again_by_the_next_one()
    {
        using var folder = new TempFolder();
        await using var receiver = await CallbackReceiver.StartAsync(new ScriptedResponse(200, Delay: TimeSpan.FromSeconds(30)), new ScriptedResponse(200));
        string jobId;
        await using (var first = await ServerProcess.StartReadyAsync(folder.Path, Settings(("Boomerang:Callbacks:TimeoutSeconds", "3"))))
        {
            using var client = first.CreateClient();
            jobId = (await client.SubmitAsync(new { kind = "echo", callback_url = receiver.Url() })).JobId;
            await receiver.WaitForAsync(1);
            first.Kill9();
        }

        await using var second = await ServerProcess.StartReadyAsync(folder.Path, Settings());
        var job = await Eventually.GetAsync(() => second.CreateClient().GetJobAsync(jobId), j => j.CallbackStatus == "success",
            "the callback to be sent again", TimeSpan.FromSeconds(60));

        Assert.Equal(2, receiver.Received.Count);
        Assert.Equal(receiver.Received[0].Header("webhook-id"), receiver.Received[1].Header("webhook-id"));
        Assert.Equal(1, job.CallbackAttempts);
    }

    private static Dictionary<string, string> Settings(params (string Key, string Value)[] extra)
    {
        var settings = Settings();
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }
        return settings;
    }
}
