using System.Net.Http.Json;
using Boomerang.IntegrationTests.Callbacks;
using Boomerang.IntegrationTests.Infrastructure;
using Boomerang.Jobs;
using Npgsql;

namespace Boomerang.IntegrationTests.Postgres;

/// <summary>Three server processes on one PostgreSQL database, jobs submitted to all of them, callbacks to one receiver.</summary>
public sealed class MultiNodeTests
{
    private const int JobCount = 2000;

    private static async Task<List<ServerProcess>> StartNodesAsync(TempFolder folder, TestSchema schema, params (string Key, string Value)[] extra)
    {
        var settings = CallbackSettings.Loopback([("Boomerang:Callbacks:TimeoutSeconds", "2"), .. extra]);
        foreach (var (key, value) in await schema.SettingsAsync())
        {
            settings[key] = value;
        }
        settings["Boomerang:Auth:ApiKeys:0"] = TestServer.KeyA;
        // All three start together: the migration lock lets one migrate while the others wait.
        var nodes = Enumerable.Range(0, 3).Select(_ => ServerProcess.Start(folder.Path, settings)).ToList();
        await Task.WhenAll(nodes.Select(n => n.WaitReadyAsync()));
        return nodes;
    }

    private static async Task<List<string>> SubmitAcrossAsync(IReadOnlyList<ServerProcess> nodes, string callbackUrl, object input)
    {
        var ids = new List<string>();
        for (var batch = 0; batch < JobCount / 100; batch++)
        {
            using var client = nodes[batch % nodes.Count].CreateClient();
            var jobs = Enumerable.Range(0, 100).Select(_ => new { kind = "sleep", input, callback_url = callbackUrl }).ToArray();
            var response = await client.PostJsonAsync("/api/v1/jobs/batch", new { jobs });
            var body = await response.Content.ReadFromJsonAsync<SubmitBatchResponse>(BoomerangJson.Options);
            Assert.All(body!.Results, r => Assert.Equal(202, r.Status));
            ids.AddRange(body.Results.Select(r => r.JobId!));
        }
        return ids;
    }

    private static async Task<List<JobView>> ListAllAsync(HttpClient client)
    {
        var all = new List<JobView>();
        string? cursor = null;
        do
        {
            var page = await client.GetFromJsonAsync<JobListResponse>($"/api/v1/jobs?limit=200{(cursor is null ? "" : $"&cursor={cursor}")}",
                BoomerangJson.Options);
            all.AddRange(page!.Jobs);
            cursor = page.NextCursor;
        }
        while (cursor is not null);
        return all;
    }

    private static Dictionary<string, List<ReceivedCallback>> ByJob(CallbackReceiver receiver) => receiver.Received
        .GroupBy(c => c.Json.GetProperty("job_id").GetString()!).ToDictionary(g => g.Key, g => g.ToList());

    private static Task WaitForEveryCallbackAsync(CallbackReceiver receiver, IEnumerable<string> ids, TimeSpan timeout)
    {
        var wanted = ids.ToHashSet();
        return Eventually.WaitAsync(() => Task.FromResult(wanted.IsSubsetOf(ByJob(receiver).Keys)),
            $"callbacks for all {wanted.Count} jobs", timeout);
    }

    [Fact]
    public async Task Three_nodes_run_2000_jobs_each_exactly_once_and_deliver_every_callback_once()
    {
        using var folder = new TempFolder();
        await using var schema = new TestSchema();
        await using var receiver = await CallbackReceiver.StartAsync();
        var nodes = await StartNodesAsync(folder, schema);
        try
        {
            var ids = await SubmitAcrossAsync(nodes, receiver.Url(), new { ms = 1 });
            await WaitForEveryCallbackAsync(receiver, ids, TimeSpan.FromSeconds(120));
            using var client = nodes[1].CreateClient();
            var jobs = await ListAllAsync(client);

            Assert.Equal(ids.ToHashSet(), jobs.Select(j => j.JobId).ToHashSet());
            Assert.All(jobs, j => Assert.Equal(JobStatus.Completed, j.Status));
            // A second claim of any job would have raised its attempt.
            Assert.All(jobs, j => Assert.Equal(1, j.Attempt));
            Assert.Equal(JobCount, receiver.Received.Count);
            Assert.Equal(JobCount, receiver.Received.Select(c => c.Header("webhook-id")).Distinct().Count());
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task With_one_of_three_nodes_killed_mid_run_every_job_finishes_and_every_callback_arrives()
    {
        using var folder = new TempFolder();
        await using var schema = new TestSchema();
        await using var receiver = await CallbackReceiver.StartAsync();
        // Few slots per node, so the killed node holds running jobs when it dies.
        var nodes = await StartNodesAsync(folder, schema, ("Boomerang:Jobs:LeaseSeconds", "2"), ("Boomerang:Jobs:Concurrency", "16"));
        try
        {
            var ids = await SubmitAcrossAsync(nodes, receiver.Url(), new { ms = 40 });
            await Eventually.WaitAsync(() => Task.FromResult(receiver.Received.Count >= 300), "a few hundred callbacks before the kill",
                TimeSpan.FromSeconds(60));
            // Killed while it holds running jobs (a lease names its process), so what follows is their rescue (the Redis
            // twin of this test once killed its node holding none, on a loaded machine).
            await using (var connection = new NpgsqlConnection(await TestPostgres.ConnectionStringAsync()))
            {
                await connection.OpenAsync();
                await using var held = new NpgsqlCommand(
                    $"SELECT count(*) FROM \"{schema.Name}\".jobs WHERE status = 'in_progress' AND strpos(lease_owner, @lease) > 0", connection);
                held.Parameters.AddWithValue("lease", nodes[2].LeaseOwnerPart);
                await Eventually.WaitAsync(async () => (long)(await held.ExecuteScalarAsync())! >= 4, "the third node holding running jobs",
                    TimeSpan.FromSeconds(60));
            }
            nodes[2].Kill9();

            await WaitForEveryCallbackAsync(receiver, ids, TimeSpan.FromSeconds(120));
            using var client = nodes[0].CreateClient();
            var jobs = await ListAllAsync(client);

            Assert.Equal(ids.ToHashSet(), jobs.Select(j => j.JobId).ToHashSet());
            Assert.All(jobs, j => Assert.Equal(JobStatus.Completed, j.Status));
            Assert.All(jobs, j => Assert.InRange(j.Attempt, 1, 2));
            // The killed node held running jobs: they were rescued by the others.
            Assert.Contains(jobs, j => j.Attempt == 2);
            // At least once, and a repeat carries the same webhook id so the receiver can drop it.
            Assert.All(ByJob(receiver).Values, calls => Assert.Single(calls.Select(c => c.Header("webhook-id")).Distinct()));
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }
        }
    }
}
