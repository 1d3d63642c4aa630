using System.Diagnostics;
using System.Net;
using Boomerang.IntegrationTests.Infrastructure;
using Boomerang.Jobs;

namespace Boomerang.IntegrationTests.Jobs;

public sealed class WorkerTests
{
    [Fact]
    public async Task Cancel_of_a_pending_job_cancels_it_at_once()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string> { ["Boomerang:Jobs:Concurrency"] = "1" });
        var blocker = await server.Client.SubmitAsync(new { kind = "sleep", input = new { ms = 30_000 } });
        await server.Client.WaitForStatusAsync(blocker.JobId, JobStatus.InProgress);
        var waiting = await server.Client.SubmitAsync(new { kind = "echo", input = 1 });

        var response = await server.Client.PostAsync($"/api/v1/jobs/{waiting.JobId}/cancel", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadJsonAsync();
        Assert.True(body.GetProperty("canceled").GetBoolean());
        Assert.Equal(waiting.JobId, body.GetProperty("job_id").GetString());
        var job = await server.Client.GetJobAsync(waiting.JobId);
        Assert.Equal(JobStatus.Canceled, job.Status);
        Assert.Null(job.StartedAt);
        Assert.NotNull(job.FinishedAt);
        await server.Client.PostAsync($"/api/v1/jobs/{blocker.JobId}/cancel", null);
    }

    [Fact]
    public async Task Free_slots_are_filled_by_claim_after_claim_without_waiting_for_a_poll()
    {
        // One claim takes at most 64 jobs; the worker claims again at once while slots are free. With a poll interval
        // far beyond the deadline, a worker that waited after a full claim would leave jobs pending past it.
        await using var server = await TestServer.StartAsync(new Dictionary<string, string>
        {
            ["Boomerang:Jobs:Concurrency"] = "200",
            ["Boomerang:Jobs:PollIntervalSeconds"] = "60",
        });
        var jobs = Enumerable.Range(0, 150).Select(_ => new { kind = "sleep", input = new { ms = 60_000 } }).ToArray();
        var batch = await server.Client.PostJsonAsync("/api/v1/jobs/batch", new { jobs });
        Assert.True(batch.IsSuccessStatusCode, await batch.Content.ReadAsStringAsync());

        var running = await Eventually.GetAsync(
            async () => (await (await server.Client.GetAsync("/api/v1/jobs?status=in_progress&limit=200")).ReadJsonAsync())
                .GetProperty("jobs").GetArrayLength(),
            n => n == 150, "all 150 jobs running", TimeSpan.FromSeconds(15));

        Assert.Equal(150, running);
    }

    [Fact]
    public async Task Cancel_of_a_running_job_fires_its_token_and_ends_it_canceled_within_a_second()
    {
        await using var server = await TestServer.StartAsync();
        var job = await server.Client.SubmitAsync(new { kind = "sleep", input = new { ms = 60_000 } });
        await server.Client.WaitForStatusAsync(job.JobId, JobStatus.InProgress);

        var clock = Stopwatch.StartNew();
        await server.Client.PostAsync($"/api/v1/jobs/{job.JobId}/cancel", null);
        var done = await Eventually.GetAsync(() => server.Client.GetJobAsync(job.JobId), j => j.Status != JobStatus.InProgress,
            "the running job to stop", TimeSpan.FromSeconds(1));

        Assert.Equal(JobStatus.Canceled, done.Status);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task Cancel_of_a_finished_job_answers_canceled_true_and_changes_nothing()
    {
        await using var server = await TestServer.StartAsync();
        var job = await server.Client.SubmitAsync(new { kind = "echo", input = "x" });
        var before = await server.Client.WaitForStatusAsync(job.JobId, JobStatus.Completed);

        var response = await server.Client.PostAsync($"/api/v1/jobs/{job.JobId}/cancel", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True((await response.ReadJsonAsync()).GetProperty("canceled").GetBoolean());
        var after = await server.Client.GetJobAsync(job.JobId);
        Assert.Equal(JobStatus.Completed, after.Status);
        Assert.Equal(before.FinishedAt, after.FinishedAt);
    }

    [Fact]
    public async Task A_full_queue_answers_429_with_the_seeds_body_and_retry_after()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string>
        {
            ["Boomerang:Jobs:MaxActive"] = "2",
            ["Boomerang:Jobs:Concurrency"] = "1",
        });
        await server.Client.SubmitAsync(new { kind = "sleep", input = new { ms = 30_000 } });
        await server.Client.SubmitAsync(new { kind = "sleep", input = new { ms = 30_000 } });

        var response = await server.Client.PostJsonAsync("/api/v1/jobs", new { kind = "echo" });

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal("5", response.Headers.RetryAfter!.ToString());
        var detail = (await response.ReadJsonAsync()).GetProperty("detail");
        Assert.Equal("JOB_QUEUE_FULL", detail.GetProperty("error").GetString());
        Assert.Equal("Job queue full: 2/2 jobs", detail.GetProperty("message").GetString());
        Assert.Equal(2, detail.GetProperty("max_jobs").GetInt32());
        Assert.Equal(2, detail.GetProperty("current_jobs").GetInt32());
    }

    [Fact]
    public async Task A_job_over_its_kinds_timeout_is_cancelled_and_fails_with_timeout_after_n_s()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string>
        {
            ["Boomerang:Jobs:KindTimeoutSeconds:sleep"] = "0.5",
        });
        var job = await server.Client.SubmitAsync(new { kind = "sleep", input = new { ms = 30_000 } });

        var done = await server.Client.WaitForStatusAsync(job.JobId, JobStatus.Failed, JobStatus.Completed);

        Assert.Equal(JobStatus.Failed, done.Status);
        Assert.Equal("timeout after 0.5s", done.Error);
    }

    [Fact]
    public async Task A_handler_that_throws_fails_the_job_with_its_message()
    {
        await using var server = await TestServer.StartAsync();
        var job = await server.Client.SubmitAsync(new { kind = "sleep", input = new { seconds = 1 } });

        var done = await server.Client.WaitForStatusAsync(job.JobId, JobStatus.Failed, JobStatus.Completed);

        Assert.Equal(JobStatus.Failed, done.Status);
        Assert.Equal("sleep input must be {\"ms\": <0..3600000>}", done.Error);
    }

    [Fact]
    public async Task Graceful_shutdown_hands_unfinished_jobs_back_without_counting_an_attempt()
    {
        using var folder = new TempFolder();
        var settings = new Dictionary<string, string> { ["Boomerang:Jobs:ShutdownGraceSeconds"] = "0.2" };
        string jobId;
        await using (var first = await TestServer.StartAsync(settings, folder: new TempFolderView(folder)))
        {
            jobId = (await first.Client.SubmitAsync(new { kind = "sleep", input = new { ms = 2_000 } })).JobId;
            await first.Client.WaitForStatusAsync(jobId, JobStatus.InProgress);
        }

        await using var second = await TestServer.StartAsync(settings, folder: new TempFolderView(folder));
        var done = await second.Client.WaitForStatusAsync(jobId, JobStatus.Completed);

        Assert.Equal(1, done.Attempt);
    }
}
