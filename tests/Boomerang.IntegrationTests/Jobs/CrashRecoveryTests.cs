using System.Net;
using System.Net.Http.Json;
using Boomerang.IntegrationTests.Infrastructure;
using Boomerang.Jobs;

namespace Boomerang.IntegrationTests.Jobs;

/// <summary>The server as a child process, killed with SIGKILL and started again on the same SQLite file.</summary>
public sealed class CrashRecoveryTests
{
    private static Dictionary<string, string> Settings(params (string Key, string Value)[] extra)
    {
        var settings = new Dictionary<string, string>
        {
            ["Boomerang:Auth:ApiKeys:0"] = TestServer.KeyA,
            ["Boomerang:Jobs:LeaseSeconds"] = "1",
            ["Boomerang:Jobs:PollIntervalSeconds"] = "0.2",
        };
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }
        return settings;
    }

    [Fact]
    public async Task A_job_whose_server_was_killed_mid_run_is_rescued_after_restart_and_completes_on_attempt_2()
    {
        using var folder = new TempFolder();
        string jobId;
        await using (var first = await ServerProcess.StartReadyAsync(folder.Path, Settings()))
        {
            using var client = first.CreateClient();
            jobId = (await client.SubmitAsync(new { kind = "sleep", input = new { ms = 1500 } })).JobId;
            await client.WaitForStatusAsync(jobId, JobStatus.InProgress);
            first.Kill9();
        }

        await using var second = await ServerProcess.StartReadyAsync(folder.Path, Settings());
        using var again = second.CreateClient();
        var job = await again.WaitForStatusAsync(jobId, JobStatus.Completed);

        Assert.Equal(2, job.Attempt);
        Assert.Equal(1500, job.Result!.Value.GetProperty("slept_ms").GetInt32());
    }

    [Fact]
    public async Task A_job_that_used_its_last_attempt_when_the_server_died_ends_failed()
    {
        using var folder = new TempFolder();
        var settings = Settings(("Boomerang:Jobs:MaxAttempts", "1"));
        string jobId;
        await using (var first = await ServerProcess.StartReadyAsync(folder.Path, settings))
        {
            using var client = first.CreateClient();
            jobId = (await client.SubmitAsync(new { kind = "sleep", input = new { ms = 60_000 } })).JobId;
            await client.WaitForStatusAsync(jobId, JobStatus.InProgress);
            first.Kill9();
        }

        await using var second = await ServerProcess.StartReadyAsync(folder.Path, settings);
        var job = await second.CreateClient().WaitForStatusAsync(jobId, JobStatus.Failed);

        Assert.Equal("worker lost: lease expired on attempt 1 of 1", job.Error);
    }

    [Fact]
    public async Task Every_acknowledged_submit_survives_kill_9_in_the_middle_of_submitting()
    {
        using var folder = new TempFolder();
        var settings = Settings(("Boomerang:Jobs:Concurrency", "1"));
        var acknowledged = new System.Collections.Concurrent.ConcurrentBag<string>();
        await using (var first = await ServerProcess.StartReadyAsync(folder.Path, settings))
        {
            using var client = first.CreateClient();
            using var enough = new SemaphoreSlim(0);
            // Four submitters keep batches in flight; the kill lands while some are still unanswered.
            var submitters = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
            {
                try
                {
                    while (true)
                    {
                        var jobs = Enumerable.Range(0, 100).Select(i => new { kind = "sleep", input = new { ms = 20_000 } }).ToArray();
                        var response = await client.PostJsonAsync("/api/v1/jobs/batch", new { jobs });
                        var batch = await response.Content.ReadFromJsonAsync<SubmitBatchResponse>(BoomerangJson.Options);
                        foreach (var id in batch!.Results.Select(r => r.JobId!))
                        {
                            acknowledged.Add(id);
                        }
                        enough.Release();
                    }
                }
                catch (Exception e) when (e is HttpRequestException or IOException or System.Text.Json.JsonException or TaskCanceledException)
                {
                    // The server died under this request: it was never acknowledged.
                }
            })).ToList();
            for (var i = 0; i < 8; i++)
            {
                Assert.True(await enough.WaitAsync(TimeSpan.FromSeconds(30)), "submits were not acknowledged");
            }
            first.Kill9();
            await Task.WhenAll(submitters);
        }
        var accepted = acknowledged.ToHashSet();

        await using var second = await ServerProcess.StartReadyAsync(folder.Path, settings);
        using var again = second.CreateClient();
        var seen = new HashSet<string>();
        string? cursor = null;
        do
        {
            var page = await again.GetFromJsonAsync<JobListResponse>($"/api/v1/jobs?limit=200{(cursor is null ? "" : $"&cursor={cursor}")}",
                BoomerangJson.Options);
            seen.UnionWith(page!.Jobs.Select(j => j.JobId));
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        Assert.True(accepted.Count >= 800, $"only {accepted.Count} acknowledged");
        Assert.Subset(seen, accepted);
    }
}
