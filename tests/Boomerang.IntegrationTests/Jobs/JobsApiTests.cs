using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Boomerang.IntegrationTests.Infrastructure;
using Boomerang.Jobs;

namespace Boomerang.IntegrationTests.Jobs;

public sealed class JobsApiTests : IAsyncLifetime
{
    private TestServer _server = null!;
    private HttpClient Client => _server.Client;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();
    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Echo_job_is_accepted_with_202_and_completes_with_its_input_as_result()
    {
        var response = await Client.PostJsonAsync("/api/v1/jobs", new { kind = "echo", input = new { hello = "wörld", n = 3 } });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<SubmitJobResponse>(BoomerangJson.Options);
        Assert.Equal("pending", body!.Status);
        Assert.Equal($"/api/v1/jobs/{body.JobId}", body.PollUrl);
        Assert.Equal(body.PollUrl, response.Headers.Location!.OriginalString);

        var job = await Client.WaitForStatusAsync(body.JobId, JobStatus.Completed);
        Assert.Equal("wörld", job.Result!.Value.GetProperty("hello").GetString());
        Assert.Equal(3, job.Result.Value.GetProperty("n").GetInt32());
        Assert.Equal(1, job.Attempt);
        Assert.Equal(100, job.Progress);
        Assert.Equal("echo", job.Kind);
        Assert.Equal(TenantOf(TestServer.KeyA), job.TenantId);
        Assert.True(job.CreatedAt <= job.StartedAt && job.StartedAt <= job.FinishedAt);
        Assert.Null(job.CallbackStatus);
    }

    [Fact]
    public async Task A_repeated_idempotency_key_returns_the_existing_job_with_200()
    {
        var first = await Client.PostJsonAsync("/api/v1/jobs", new { kind = "echo", input = 1, idempotency_key = "order-42" });
        var again = await Client.PostJsonAsync("/api/v1/jobs", new { kind = "echo", input = 1, idempotency_key = "order-42" });
        using var otherTenant = _server.CreateClient(TestServer.KeyB);
        var other = await otherTenant.PostJsonAsync("/api/v1/jobs", new { kind = "echo", input = 3, idempotency_key = "order-42" });

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, other.StatusCode);
        var firstId = (await first.ReadJsonAsync()).GetProperty("job_id").GetString();
        Assert.Equal(firstId, (await again.ReadJsonAsync()).GetProperty("job_id").GetString());
        Assert.NotEqual(firstId, (await other.ReadJsonAsync()).GetProperty("job_id").GetString());
        var list = await Client.GetFromJsonAsync<JobListResponse>("/api/v1/jobs", BoomerangJson.Options);
        Assert.Single(list!.Jobs);
    }

    [Fact]
    public async Task Batch_answers_each_item_in_order_and_stores_the_valid_ones()
    {
        var response = await Client.PostJsonAsync("/api/v1/jobs/batch", new
        {
            jobs = new object[]
            {
                new { kind = "echo", input = 1 },
                new { kind = "no-such-kind" },
                new { kind = "echo", input = 3, idempotency_key = "k" },
                new { kind = "echo", input = 3, idempotency_key = "k" },
            },
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var results = (await response.Content.ReadFromJsonAsync<SubmitBatchResponse>(BoomerangJson.Options))!.Results;
        Assert.Equal([202, 400, 202, 200], results.Select(r => r.Status));
        Assert.Equal("UNKNOWN_JOB_KIND", results[1].Error!.Value.GetProperty("error").GetString());
        Assert.Equal(results[2].JobId, results[3].JobId);
        foreach (var id in new[] { results[0].JobId!, results[2].JobId! })
        {
            await Client.WaitForStatusAsync(id, JobStatus.Completed);
        }
    }

    [Fact]
    public async Task A_null_batch_item_or_a_control_character_in_a_key_is_a_400_not_a_500()
    {
        var batch = await Client.PostAsync("/api/v1/jobs/batch", new StringContent(
            """{"jobs": [null, {"kind": "echo"}]}""", Encoding.UTF8, "application/json"));
        var key = await Client.PostAsync("/api/v1/jobs", new StringContent(
            """{"kind": "echo", "idempotency_key": "a\u0000b"}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, batch.StatusCode);
        var results = (await batch.ReadJsonAsync()).GetProperty("results");
        Assert.Equal(400, results[0].GetProperty("status").GetInt32());
        Assert.Equal(202, results[1].GetProperty("status").GetInt32());
        Assert.Equal(HttpStatusCode.BadRequest, key.StatusCode);
        Assert.Contains("control characters", (await key.ReadJsonAsync()).GetProperty("detail").GetProperty("message").GetString());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1001)]
    public async Task Batch_of_no_items_or_more_than_1000_is_refused(int count)
    {
        var jobs = Enumerable.Range(0, count).Select(i => new { kind = "echo", input = i }).ToArray();
        var response = await Client.PostJsonAsync("/api/v1/jobs/batch", new { jobs });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("1..1000", (await response.ReadJsonAsync()).GetProperty("detail").GetProperty("message").GetString());
    }

    [Fact]
    public async Task Unknown_kind_is_a_400_naming_the_known_kinds()
    {
        var response = await Client.PostJsonAsync("/api/v1/jobs", new { kind = "transcode" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var detail = (await response.ReadJsonAsync()).GetProperty("detail");
        Assert.Equal("UNKNOWN_JOB_KIND", detail.GetProperty("error").GetString());
        Assert.Contains("echo, sleep", detail.GetProperty("message").GetString());
    }

    [Theory]
    [InlineData("{\"kind\":", "invalid")]
    [InlineData("{\"kind\": 5}", "'kind'")]
    [InlineData("{\"input\": 1}", "'kind'")]
    [InlineData("{\"kind\": \"echo\", \"idempotency_key\": []}", "'idempotency_key'")]
    [InlineData("[1,2]", "invalid")]
    [InlineData("null", "JSON object")]
    public async Task Malformed_json_or_wrong_types_are_a_400_that_names_the_problem(string body, string mentioned)
    {
        var response = await Client.PostAsync("/api/v1/jobs", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var detail = (await response.ReadJsonAsync()).GetProperty("detail");
        Assert.Equal("INVALID_REQUEST", detail.GetProperty("error").GetString());
        Assert.Contains(mentioned, detail.GetProperty("message").GetString());
    }

    [Fact]
    public async Task A_body_larger_than_the_limit_is_a_413()
    {
        var big = new string('x', 9 * 1024 * 1024);
        var response = await Client.PostJsonAsync("/api/v1/jobs", new { kind = "echo", input = big });
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Theory]
    [InlineData("/api/v1/jobs", "application/x-www-form-urlencoded")] // what curl -d sends without -H
    [InlineData("/api/v1/jobs", "text/plain")]
    [InlineData("/api/v1/jobs/batch", "text/plain")]
    public async Task A_body_that_is_not_json_is_a_415_saying_what_to_send(string path, string contentType)
    {
        var response = await Client.PostAsync(path, new StringContent("""{"kind":"echo"}""", Encoding.UTF8, contentType));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        var detail = (await response.ReadJsonAsync()).GetProperty("detail");
        Assert.Equal("UNSUPPORTED_MEDIA_TYPE", detail.GetProperty("error").GetString());
        Assert.Contains("application/json", detail.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Unknown_job_is_404_and_another_tenants_job_is_403_for_get_and_cancel()
    {
        var job = await Client.SubmitAsync(new { kind = "echo", input = 1 });
        using var other = _server.CreateClient(TestServer.KeyB);

        foreach (var (response, error) in new[]
        {
            (await Client.GetAsync("/api/v1/jobs/nope"), "JOB_NOT_FOUND"),
            (await Client.PostAsync("/api/v1/jobs/nope/cancel", null), "JOB_NOT_FOUND"),
            (await other.GetAsync($"/api/v1/jobs/{job.JobId}"), "JOB_FORBIDDEN"),
            (await other.PostAsync($"/api/v1/jobs/{job.JobId}/cancel", null), "JOB_FORBIDDEN"),
        })
        {
            Assert.Equal(error == "JOB_NOT_FOUND" ? HttpStatusCode.NotFound : HttpStatusCode.Forbidden, response.StatusCode);
            var detail = (await response.ReadJsonAsync()).GetProperty("detail");
            Assert.Equal(error, detail.GetProperty("error").GetString());
            Assert.True(detail.TryGetProperty("job_id", out _));
        }
    }

    [Fact]
    public async Task List_shows_only_the_callers_jobs_newest_first_with_status_filter_and_cursor()
    {
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await Client.SubmitAsync(new { kind = "echo", input = i })).JobId);
        }
        using var other = _server.CreateClient(TestServer.KeyB);
        await other.SubmitAsync(new { kind = "echo", input = "b" });
        foreach (var id in ids)
        {
            await Client.WaitForStatusAsync(id, JobStatus.Completed);
        }

        var page1 = await Client.GetFromJsonAsync<JobListResponse>("/api/v1/jobs?limit=3", BoomerangJson.Options);
        var page2 = await Client.GetFromJsonAsync<JobListResponse>($"/api/v1/jobs?limit=3&cursor={page1!.NextCursor}", BoomerangJson.Options);
        var completed = await Client.GetFromJsonAsync<JobListResponse>("/api/v1/jobs?status=COMPLETED", BoomerangJson.Options);
        var pending = await Client.GetFromJsonAsync<JobListResponse>("/api/v1/jobs?status=pending", BoomerangJson.Options);

        ids.Reverse();
        Assert.Equal(ids.Take(3), page1.Jobs.Select(j => j.JobId));
        Assert.Equal(ids.Skip(3), page2!.Jobs.Select(j => j.JobId));
        Assert.Null(page2.NextCursor);
        Assert.Equal(5, completed!.Jobs.Count);
        Assert.Empty(pending!.Jobs);
    }

    [Fact]
    public async Task Bad_status_filter_is_a_400_with_the_seeds_message()
    {
        var response = await Client.GetAsync("/api/v1/jobs?status=Done");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var detail = (await response.ReadJsonAsync()).GetProperty("detail");
        Assert.Equal("INVALID_STATUS_FILTER", detail.GetProperty("error").GetString());
        Assert.Equal("Invalid status: Done. Valid values: pending, in_progress, completed, failed, canceled",
            detail.GetProperty("message").GetString());
    }

    [Theory]
    [InlineData("limit=0")]
    [InlineData("limit=201")]
    [InlineData("limit=ten")]
    [InlineData("cursor=abc")]
    public async Task Out_of_range_limit_or_a_bad_cursor_is_a_400(string query)
    {
        var response = await Client.GetAsync($"/api/v1/jobs?{query}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Requests_without_a_key_or_with_an_unknown_key_get_the_seeds_401_bodies()
    {
        using var none = _server.CreateClient(null);
        using var wrong = _server.CreateClient("not-a-key");

        var missing = await none.GetAsync("/api/v1/jobs");
        var invalid = await wrong.PostJsonAsync("/api/v1/jobs", new { kind = "echo" });

        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Equal("""{"detail":"Missing API Key"}""", await missing.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, invalid.StatusCode);
        Assert.Equal("""{"detail":"Invalid API Key"}""", await invalid.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("/healthz")]
    [InlineData("/readyz")]
    [InlineData("/openapi/v1.json")]
    public async Task Health_readiness_and_openapi_answer_without_a_key(string path)
    {
        using var none = _server.CreateClient(null);
        var response = await none.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task The_openapi_document_describes_the_jobs_routes()
    {
        var doc = await _server.CreateClient(null).GetStringAsync("/openapi/v1.json");
        Assert.Contains("/api/v1/jobs/{jobId}/cancel", doc);
        Assert.Contains("/api/v1/jobs/batch", doc);
    }

    private static string TenantOf(string key) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..16];
}
