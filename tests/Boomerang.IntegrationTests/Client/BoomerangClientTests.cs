using System.Net;
using System.Text.Json;
using Boomerang.Client;
using Boomerang.IntegrationTests.Infrastructure;
using Boomerang.Jobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Boomerang.IntegrationTests.Client;

public sealed class BoomerangClientTests : IAsyncLifetime
{
    private TestServer _server = null!;
    private HttpClient _http = null!;
    private BoomerangClient _client = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync();
        _http = new HttpClient();
        _client = new BoomerangClient(_http, new BoomerangClientOptions { BaseAddress = _server.BaseAddress, ApiKey = TestServer.KeyA });
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement;

    [Fact]
    public async Task Submit_then_wait_returns_the_finished_job_with_its_result()
    {
        var submitted = await _client.SubmitAsync(new SubmitJobRequest("echo", Json("""{"a":1}""")));
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var job = await _client.WaitAsync(submitted.JobId, deadline.Token);

        Assert.True(submitted.Created);
        Assert.Equal(JobStatus.Pending, submitted.Status);
        Assert.Equal($"/api/v1/jobs/{submitted.JobId}", submitted.PollUrl);
        Assert.Equal(JobStatus.Completed, job.Status);
        Assert.Equal(1, job.Result!.Value.GetProperty("a").GetInt32());
    }

    [Fact]
    public async Task A_repeated_idempotency_key_returns_the_same_job_marked_not_created()
    {
        var first = await _client.SubmitAsync(new SubmitJobRequest("echo", Json("1"), IdempotencyKey: "k-1"));
        var again = await _client.SubmitAsync(new SubmitJobRequest("echo", Json("1"), IdempotencyKey: "k-1"));

        Assert.Equal(first.JobId, again.JobId);
        Assert.False(again.Created);
    }

    [Fact]
    public async Task Batch_answers_each_item_and_list_pages_through_every_job()
    {
        var batch = await _client.SubmitBatchAsync([new("echo", Json("1")), new("nope"), new("echo", Json("3"))]);
        var ids = batch.Results.Where(r => r.JobId is not null).Select(r => r.JobId!).ToList();
        for (var i = 0; i < 3; i++)
        {
            ids.Add((await _client.SubmitAsync(new SubmitJobRequest("echo", Json(i.ToString(System.Globalization.CultureInfo.InvariantCulture))))).JobId);
        }

        var firstPage = await _client.ListAsync(limit: 2);
        var all = new List<string>();
        await foreach (var job in _client.ListAllAsync())
        {
            all.Add(job.JobId);
        }

        Assert.Equal([202, 400, 202], batch.Results.Select(r => r.Status));
        Assert.Equal("UNKNOWN_JOB_KIND", batch.Results[1].Error!.Value.GetProperty("error").GetString());
        Assert.Equal(2, firstPage.Jobs.Count);
        Assert.NotNull(firstPage.NextCursor);
        Assert.Equal(ids.OrderBy(x => x), all.OrderBy(x => x));
    }

    [Fact]
    public async Task Cancel_of_a_pending_job_cancels_it()
    {
        var job = await _client.SubmitAsync(new SubmitJobRequest("sleep", Json("""{"ms": 60000}""")));

        var canceled = await _client.CancelAsync(job.JobId);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var finished = await _client.WaitAsync(job.JobId, deadline.Token);

        Assert.True(canceled.Canceled);
        Assert.Equal(job.JobId, canceled.JobId);
        Assert.Equal(JobStatus.Canceled, finished.Status);
    }

    [Fact]
    public async Task An_unknown_job_throws_with_status_code_and_message()
    {
        var e = await Assert.ThrowsAsync<BoomerangApiException>(() => _client.GetAsync("no-such-job"));

        Assert.Equal(HttpStatusCode.NotFound, e.StatusCode);
        Assert.Equal("JOB_NOT_FOUND", e.ErrorCode);
        Assert.Equal("no-such-job", e.Detail!.Value.GetProperty("job_id").GetString());
    }

    [Fact]
    public async Task A_refused_submission_throws_with_the_servers_code_and_message()
    {
        var e = await Assert.ThrowsAsync<BoomerangApiException>(() => _client.SubmitAsync(new SubmitJobRequest("transcode")));

        Assert.Equal(HttpStatusCode.BadRequest, e.StatusCode);
        Assert.Equal("UNKNOWN_JOB_KIND", e.ErrorCode);
        Assert.StartsWith("Unknown job kind: transcode", e.Message);
    }

    [Fact]
    public async Task A_wrong_key_throws_401_with_the_plain_text_detail()
    {
        using var http = new HttpClient();
        var client = new BoomerangClient(http, new BoomerangClientOptions { BaseAddress = _server.BaseAddress, ApiKey = "wrong" });

        var e = await Assert.ThrowsAsync<BoomerangApiException>(() => client.ListAsync());

        Assert.Equal(HttpStatusCode.Unauthorized, e.StatusCode);
        Assert.Null(e.ErrorCode);
        Assert.Equal("Invalid API Key", e.Message);
    }

    [Fact]
    public async Task AddBoomerangClient_binds_its_section_and_gives_a_working_client()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Boomerang:Client:BaseAddress"] = _server.BaseAddress.ToString(),
            ["Boomerang:Client:ApiKey"] = TestServer.KeyB,
        }).Build());
        services.AddBoomerangClient();
        await using var provider = services.BuildServiceProvider();

        var client = provider.GetRequiredService<BoomerangClient>();
        var job = await client.SubmitAsync(new SubmitJobRequest("echo", Json("1")));

        Assert.Equal(TenantOf(TestServer.KeyB), (await client.GetAsync(job.JobId)).TenantId);
    }

    [Fact]
    public async Task Deliveries_list_is_empty_and_redeliver_is_a_409_for_a_job_without_callback()
    {
        var submitted = await _client.SubmitAsync(new SubmitJobRequest("echo", Json("1")));
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await _client.WaitAsync(submitted.JobId, deadline.Token);

        var deliveries = await _client.GetDeliveriesAsync(submitted.JobId);
        var e = await Assert.ThrowsAsync<BoomerangApiException>(() => _client.RedeliverAsync(submitted.JobId));

        Assert.Equal(submitted.JobId, deliveries.JobId);
        Assert.Empty(deliveries.Deliveries);
        Assert.Equal(HttpStatusCode.Conflict, e.StatusCode);
        Assert.NotNull(e.ErrorCode);
    }

    private static string TenantOf(string key) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key)))[..16];
}
