using Boomerang.IntegrationTests.Callbacks;
using Boomerang.IntegrationTests.Infrastructure;
using static Boomerang.IntegrationTests.Dedup2D.Dedup2DHarness;

namespace Boomerang.IntegrationTests.Dedup2D;

/// <summary>The server as a child process, killed with SIGKILL while an async search runs.</summary>
public sealed class Dedup2DCrashTests
{
    [Fact]
    public async Task A_search_running_when_the_server_is_killed_completes_after_restart_and_its_callback_arrives()
    {
        using var folder = new TempFolder();
        await using var vision = await FakeVision.StartAsync();
        await using var receiver = await CallbackReceiver.StartAsync();
        var settings = CallbackSettings.Loopback(
            ("Boomerang:Auth:ApiKeys:0", TestServer.KeyA),
            ("Boomerang:Jobs:LeaseSeconds", "1"),
            ("Boomerang:Jobs:PollIntervalSeconds", "0.2"),
            ("Boomerang:Dedup2D:VisionUrl", vision.Url),
            ("Boomerang:Dedup2D:Vision:RetryMaxAttempts", "1"));
        vision.Hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        string jobId;
        await using (var first = await ServerProcess.StartReadyAsync(folder.Path, settings))
        {
            using var client = first.CreateClient();
            var (status, body, _) = await client.SearchAsync($"?async=true&callback_url={Uri.EscapeDataString(receiver.Url())}", Upload(Png));
            Assert.Equal(200, status);
            jobId = body!["job_id"]!.GetValue<string>();
            await Eventually.WaitAsync(() => Task.FromResult(vision.SearchesStarted == 1), "the engine to receive the search");
            first.Kill9();
        }
        vision.Hold = null; // the engine answers from now on

        await using var second = await ServerProcess.StartReadyAsync(folder.Path, settings);
        using var again = second.CreateClient();
        var job = await again.WaitForJobAsync(jobId, "completed");

        Assert.Equal(1, job["result"]!["total_matches"]!.GetValue<int>());
        var callback = (await receiver.WaitForAsync(1, TimeSpan.FromSeconds(30)))[0];
        Assert.Equal(jobId, callback.Header("X-Dedup-Job-Id"));
        Assert.Equal("completed", callback.Json.GetProperty("status").GetString());
        await Eventually.WaitAsync(() => Task.FromResult(!Directory.Exists(Path.Combine(folder.Path, "data", "dedup2d_uploads", jobId))),
            "the upload to be deleted");
    }
}
