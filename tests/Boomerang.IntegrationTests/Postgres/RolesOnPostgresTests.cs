using System.Diagnostics;
using System.Net;
using Boomerang.IntegrationTests.Callbacks;
using Boomerang.IntegrationTests.Infrastructure;
using Boomerang.Jobs;

namespace Boomerang.IntegrationTests.Postgres;

/// <summary>API, worker and dispatcher nodes as separate servers on one database; only NOTIFY connects them quickly,
/// since their poll intervals are set far longer than the waits here.</summary>
public sealed class RolesOnPostgresTests : IAsyncLifetime
{
    private readonly TestSchema _schema = new();
    private readonly List<TestServer> _servers = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var server in _servers)
        {
            await server.DisposeAsync();
        }
        await _schema.DisposeAsync();
    }

    private async Task<TestServer> StartAsync(string roles, params (string Key, string Value)[] extra)
    {
        var settings = CallbackSettings.Loopback([("Boomerang:Jobs:PollIntervalSeconds", "30"), ("Boomerang:Callbacks:PollIntervalSeconds", "30"),
            ("Boomerang:Roles", roles), .. extra]);
        foreach (var (key, value) in await _schema.SettingsAsync())
        {
            settings[key] = value;
        }
        var server = await TestServer.StartAsync(settings);
        _servers.Add(server);
        return server;
    }

    [Fact]
    public async Task A_job_submitted_on_an_api_node_runs_on_a_worker_node_and_its_callback_leaves_from_a_dispatcher_node()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        var api = await StartAsync("api");
        await StartAsync("worker");
        await StartAsync("dispatcher");

        var clock = Stopwatch.StartNew();
        var job = await api.Client.SubmitAsync(new { kind = "echo", input = 7, callback_url = receiver.Url() });
        var callback = (await receiver.WaitForAsync(1, TimeSpan.FromSeconds(10)))[0];

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed} with 30 s polling: the NOTIFY hints did not arrive");
        Assert.Equal(job.JobId, callback.Json.GetProperty("job_id").GetString());
        Assert.Equal(7, callback.Json.GetProperty("result").GetInt32());
        var done = await api.Client.WaitForStatusAsync(job.JobId, JobStatus.Completed);
        await Eventually.WaitAsync(async () => (await api.Client.GetJobAsync(job.JobId)).CallbackStatus == CallbackStatus.Success,
            "the delivery to be recorded as a success");
        Assert.Equal(1, done.Attempt);
    }

    [Fact]
    public async Task Cancel_on_an_api_node_stops_a_job_running_on_a_worker_node_long_before_its_next_heartbeat()
    {
        var api = await StartAsync("api");
        // Lease 60 s: heartbeats every 10 s, so only the NOTIFY can stop the job within the deadline below.
        await StartAsync("worker", ("Boomerang:Jobs:LeaseSeconds", "60"));
        var job = await api.Client.SubmitAsync(new { kind = "sleep", input = new { ms = 60_000 } });
        await api.Client.WaitForStatusAsync(job.JobId, JobStatus.InProgress);

        var clock = Stopwatch.StartNew();
        var response = await api.Client.PostAsync($"/api/v1/jobs/{job.JobId}/cancel", null);
        var canceled = await Eventually.GetAsync(() => api.Client.GetJobAsync(job.JobId), j => j.Status == JobStatus.Canceled,
            "the running job to be canceled", TimeSpan.FromSeconds(5));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"cancel took {clock.Elapsed}");
        Assert.Equal(JobStatus.Canceled, canceled.Status);
    }

    [Fact]
    public async Task Capacity_holds_across_api_nodes()
    {
        var first = await StartAsync("api", ("Boomerang:Jobs:MaxActive", "3"));
        var second = await StartAsync("api", ("Boomerang:Jobs:MaxActive", "3"));

        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(i =>
            (i % 2 == 0 ? first : second).Client.PostJsonAsync("/api/v1/jobs", new { kind = "echo", input = i })));

        Assert.Equal(3, responses.Count(r => r.StatusCode == HttpStatusCode.Accepted));
        Assert.Equal(3, responses.Count(r => r.StatusCode == HttpStatusCode.TooManyRequests));
    }
}
