using System.Net;
using Boomerang.IntegrationTests.Infrastructure;
using Boomerang.Jobs;
using Boomerang.Server.Callbacks;
using Boomerang.Server.Jobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Boomerang.IntegrationTests.Jobs;

public sealed class RolesTests
{
    [Fact]
    public async Task An_api_node_only_accepts_jobs_and_a_worker_node_on_the_same_store_runs_them()
    {
        using var folder = new TempFolder();
        await using var api = await TestServer.StartAsync(new Dictionary<string, string> { ["Boomerang:Roles"] = "api" },
            folder: new TempFolderView(folder));
        var job = await api.Client.SubmitAsync(new { kind = "echo", input = 5 });
        Assert.DoesNotContain(api.Services.GetServices<IHostedService>(), s => s is JobWorker or CallbackDispatcher);
        Assert.Equal(JobStatus.Pending, (await api.Client.GetJobAsync(job.JobId)).Status);

        await using var worker = await TestServer.StartAsync(new Dictionary<string, string> { ["Boomerang:Roles"] = "worker" },
            folder: new TempFolderView(folder));

        Assert.Equal(HttpStatusCode.NotFound, (await worker.Client.GetAsync($"/api/v1/jobs/{job.JobId}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await worker.Client.GetAsync("/readyz")).StatusCode);
        var done = await api.Client.WaitForStatusAsync(job.JobId, JobStatus.Completed);
        Assert.Equal(5, done.Result!.Value.GetInt32());
    }

    [Fact]
    public async Task An_unknown_role_stops_the_process_with_a_message_naming_the_setting()
    {
        using var folder = new TempFolder();
        await using var server = ServerProcess.Start(folder.Path, new Dictionary<string, string>
        {
            ["Boomerang:Auth:ApiKeys:0"] = TestServer.KeyA,
            ["Boomerang:Roles"] = "api,scheduler",
        });
        Assert.Equal(2, await server.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("Boomerang:Roles must list any of api, worker, dispatcher", server.Stderr);
    }
}
