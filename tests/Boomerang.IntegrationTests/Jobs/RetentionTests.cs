using System.Net;
using Boomerang.IntegrationTests.Infrastructure;
using Boomerang.Jobs;

namespace Boomerang.IntegrationTests.Jobs;

public sealed class RetentionTests
{
    [Fact]
    public async Task A_finished_job_is_deleted_once_its_retention_has_passed_and_a_running_one_is_not()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string>
        {
            // About two seconds.
            ["Boomerang:Retention:FinishedJobsDays"] = "0.000025",
            ["Boomerang:Retention:SweepIntervalSeconds"] = "0.2",
        });
        var done = await server.Client.SubmitAsync(new { kind = "echo", input = 1 });
        var slow = await server.Client.SubmitAsync(new { kind = "sleep", input = new { ms = 60_000 } });
        await server.Client.WaitForStatusAsync(done.JobId, JobStatus.Completed);
        await server.Client.WaitForStatusAsync(slow.JobId, JobStatus.InProgress);

        await Eventually.WaitAsync(async () => (await server.Client.GetAsync(done.PollUrl)).StatusCode == HttpStatusCode.NotFound,
            "the finished job to be deleted", TimeSpan.FromSeconds(30));

        Assert.Equal(JobStatus.InProgress, (await server.Client.GetJobAsync(slow.JobId)).Status);
    }
}
