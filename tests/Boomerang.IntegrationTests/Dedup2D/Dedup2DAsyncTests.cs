using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Boomerang.IntegrationTests.Callbacks;
using Boomerang.IntegrationTests.Infrastructure;
using static Boomerang.IntegrationTests.Dedup2D.Dedup2DHarness;

namespace Boomerang.IntegrationTests.Dedup2D;

/// <summary>Async searches: Boomerang jobs of kind dedup2d.search with the seed's job routes and webhook.</summary>
public sealed class Dedup2DAsyncTests
{
    [Fact]
    public async Task An_async_search_returns_a_job_that_completes_with_the_result()
    {
        await using var vision = await FakeVision.StartAsync();
        await using var server = await StartAsync(vision);

        var (status, body, _) = await server.Client.SearchAsync("?async=true", Upload(Png));

        Assert.Equal(200, status);
        var jobId = body!["job_id"]!.GetValue<string>();
        Assert.Equal("pending", body["status"]!.GetValue<string>());
        Assert.Equal($"/api/v1/dedup/2d/jobs/{jobId}", body["poll_url"]!.GetValue<string>());
        Assert.Null(body["forced_async_reason"]);
        var job = await server.Client.WaitForJobAsync(jobId, "completed");
        Assert.True(job["result"]!["success"]!.GetValue<bool>());
        Assert.Equal("duplicate", job["result"]!["duplicates"]![0]!["verdict"]!.GetValue<string>());
        Assert.Null(job["result"]!["vision_internal"]);
        Assert.Null(job["callback_status"]);
        // The same job through Boomerang's own jobs API.
        var view = await server.Client.GetJobAsync(jobId);
        Assert.Equal("dedup2d.search", view.Kind);
        // The upload is gone once the job finished.
        await Eventually.WaitAsync(() => Task.FromResult(!Directory.Exists(Path.Combine(UploadDir(server.Folder.Path), jobId))), "upload deleted");
    }

    [Fact]
    public async Task An_async_search_with_geom_json_completes_with_the_precision_overlay()
    {
        await using var vision = await FakeVision.StartAsync();
        await using var server = await StartAsync(vision, ("Boomerang:Dedup2D:ForcedAsyncOnPrecision", "true"));
        var hash = await server.Client.IndexAsync([1, 2, 3], "same.dxf", Geometry);
        vision.SearchResult = FakeVision.Result(FakeVision.Match("same", hash, "same.png", 0.99));

        var (_, body, _) = await server.Client.SearchAsync("", Upload(Png, geomJson: Geometry.ToJsonString()));

        Assert.Equal("enable_precision_with_geom_json", body!["forced_async_reason"]!.GetValue<string>());
        var job = await server.Client.WaitForJobAsync(body["job_id"]!.GetValue<string>(), "completed");
        Assert.Equal(1.0, job["result"]!["duplicates"]![0]!["precision_score"]!.GetValue<double>());
        Assert.Contains(job["result"]!["warnings"]!.AsArray(), w => w!.GetValue<string>() == "precision_verified:1");
    }

    [Fact]
    public async Task An_upload_over_5_MiB_is_forced_async()
    {
        await using var vision = await FakeVision.StartAsync();
        await using var server = await StartAsync(vision);
        var big = new byte[5 * 1024 * 1024 + 1];
        Random.Shared.NextBytes(big);

        var (status, body, _) = await server.Client.SearchAsync("", Upload(big, "big.png"));

        Assert.Equal(200, status);
        Assert.Equal("file_size>5MB", body!["forced_async_reason"]!.GetValue<string>());
        await server.Client.WaitForJobAsync(body["job_id"]!.GetValue<string>(), "completed");
        Assert.Equal(big.Length, Assert.Single(vision.Searches).Bytes);
    }

    [Fact]
    public async Task Mode_precise_is_forced_async_when_that_rule_is_on()
    {
        await using var vision = await FakeVision.StartAsync();
        await using var server = await StartAsync(vision, ("Boomerang:Dedup2D:ForcedAsyncOnModePrecise", "true"));

        var (_, body, _) = await server.Client.SearchAsync("?mode=precise", Upload(Png));

        Assert.Equal("mode=precise", body!["forced_async_reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_callback_carries_the_seed_payload_and_a_dedup_signature_an_independent_hmac_verifies()
    {
        await using var vision = await FakeVision.StartAsync();
        await using var receiver = await CallbackReceiver.StartAsync();
        await using var server = await StartAsync(vision);

        var (_, body, _) = await server.Client.SearchAsync($"?async=true&callback_url={Uri.EscapeDataString(receiver.Url())}", Upload(Png));
        var jobId = body!["job_id"]!.GetValue<string>();

        var callback = (await receiver.WaitForAsync(1))[0];
        Assert.Equal(jobId, callback.Header("X-Dedup-Job-Id"));
        Assert.Equal(callback.Json.GetProperty("tenant_id").GetString(), callback.Header("X-Dedup-Tenant-Id"));
        Assert.Equal("v1", callback.Header("X-Dedup-Signature-Version"));
        var parts = callback.Header("X-Dedup-Signature").Split(',').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        var signed = Encoding.UTF8.GetBytes($"{parts["t"]}.{jobId}.").Concat(callback.Body).ToArray();
        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(CallbackSettings.Secret), signed));
        Assert.Equal(expected, parts["v1"]);
        Assert.True(long.Parse(parts["t"], CultureInfo.InvariantCulture) > 1_700_000_000);
        var payload = JsonNode.Parse(callback.Body)!;
        Assert.Equal("completed", payload["status"]!.GetValue<string>());
        Assert.Equal(jobId, payload["job_id"]!.GetValue<string>());
        Assert.Equal(1, payload["result"]!["total_matches"]!.GetValue<int>());
        Assert.Equal("dropped by the response model", payload["result"]!["vision_internal"]!.GetValue<string>()); // raw, as the seed
        Assert.Null(payload["error"]);
        var job = await Eventually.GetAsync(() => server.Client.WaitForJobAsync(jobId, "completed"),
            j => j["callback_status"]?.GetValue<string>() == "success", "callback recorded");
        Assert.Equal(1, job["callback_attempts"]!.GetValue<int>());
        Assert.Equal(200, job["callback_http_status"]!.GetValue<int>());
    }

    [Fact]
    public async Task An_invalid_callback_url_is_a_400_callback_url_invalid()
    {
        await using var vision = await FakeVision.StartAsync();
        await using var server = await StartAsync(vision);

        var (status, body, _) = await server.Client.SearchAsync("?async=true&callback_url=ftp://example.com/hook", Upload(Png));

        Assert.Equal(400, status);
        Assert.Equal("CALLBACK_URL_INVALID", body!["detail"]!["error"]!.GetValue<string>());
        Assert.Contains("scheme not allowed", body["detail"]!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Canceling_a_running_search_interrupts_the_engine_call_and_sends_a_canceled_callback()
    {
        await using var vision = await FakeVision.StartAsync();
        await using var receiver = await CallbackReceiver.StartAsync();
        await using var server = await StartAsync(vision);
        vision.Hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var (_, body, _) = await server.Client.SearchAsync($"?async=true&callback_url={Uri.EscapeDataString(receiver.Url())}", Upload(Png));
        var jobId = body!["job_id"]!.GetValue<string>();
        await Eventually.WaitAsync(() => Task.FromResult(vision.SearchesStarted == 1), "the engine to receive the search");
        var (status, cancel, _) = await server.Client.SendAsync(HttpMethod.Post, $"/jobs/{jobId}/cancel");

        Assert.Equal(200, status);
        Assert.True(cancel!["canceled"]!.GetValue<bool>());
        var job = await server.Client.WaitForJobAsync(jobId, "canceled");
        Assert.Null(job["result"]);
        var callback = (await receiver.WaitForAsync(1))[0];
        Assert.Equal("canceled", callback.Json.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Another_tenant_gets_403_for_a_job_and_unknown_ids_get_404()
    {
        await using var vision = await FakeVision.StartAsync();
        await using var server = await StartAsync(vision);
        using var other = server.CreateClient(TestServer.KeyB);
        var (_, body, _) = await server.Client.SearchAsync("?async=true", Upload(Png));
        var jobId = body!["job_id"]!.GetValue<string>();

        var (getStatus, get, _) = await other.SendAsync(HttpMethod.Get, $"/jobs/{jobId}");
        var (cancelStatus, cancel, _) = await other.SendAsync(HttpMethod.Post, $"/jobs/{jobId}/cancel");
        var (missingStatus, missing, _) = await server.Client.SendAsync(HttpMethod.Get, "/jobs/no-such-job");
        var (missingCancel, _, _) = await server.Client.SendAsync(HttpMethod.Post, "/jobs/no-such-job/cancel");
        var (ownStatus, own, _) = await server.Client.SendAsync(HttpMethod.Get, $"/jobs/{jobId}");

        Assert.Equal(403, getStatus);
        Assert.Equal($$$"""{"detail":{"error":"JOB_FORBIDDEN","job_id":"{{{jobId}}}"}}""", get!.ToJsonString());
        Assert.Equal(403, cancelStatus);
        Assert.Equal("JOB_FORBIDDEN", cancel!["detail"]!["error"]!.GetValue<string>());
        Assert.Equal(404, missingStatus);
        Assert.Equal("""{"detail":{"error":"JOB_NOT_FOUND","job_id":"no-such-job"}}""", missing!.ToJsonString());
        Assert.Equal(404, missingCancel);
        Assert.Equal(200, ownStatus);
        Assert.Equal(own!["tenant_id"]!.GetValue<string>(), (await server.Client.SendAsync(HttpMethod.Post, $"/jobs/{jobId}/cancel")).Body!["tenant_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_job_list_shows_the_tenants_dedup_jobs_newest_first_with_a_total()
    {
        await using var vision = await FakeVision.StartAsync();
        await using var server = await StartAsync(vision);
        var first = (await server.Client.SearchAsync("?async=true", Upload(Png))).Body!["job_id"]!.GetValue<string>();
        var second = (await server.Client.SearchAsync("?async=true", Upload(Png))).Body!["job_id"]!.GetValue<string>();
        await server.Client.SubmitAsync(new { kind = "echo", input = new { a = 1 } }); // not a Dedup2D job
        await server.Client.WaitForJobAsync(first, "completed");
        await server.Client.WaitForJobAsync(second, "completed");

        var (_, list, _) = await server.Client.SendAsync(HttpMethod.Get, "/jobs?status=COMPLETED&limit=10");
        var (_, limited, _) = await server.Client.SendAsync(HttpMethod.Get, "/jobs?limit=1");
        var (badStatus, bad, _) = await server.Client.SendAsync(HttpMethod.Get, "/jobs?status=done");
        var (badLimit, limitError, _) = await server.Client.SendAsync(HttpMethod.Get, "/jobs?limit=0");

        Assert.Equal([second, first], list!["jobs"]!.AsArray().Select(j => j!["job_id"]!.GetValue<string>()).ToArray());
        Assert.Equal(2, list["total"]!.GetValue<int>());
        Assert.Null(list["jobs"]![0]!["result"]);
        Assert.Equal(1, limited!["total"]!.GetValue<int>());
        Assert.Equal(400, badStatus);
        Assert.Equal("INVALID_STATUS_FILTER", bad!["detail"]!["error"]!.GetValue<string>());
        Assert.Equal("Invalid status: done. Valid values: pending, in_progress, completed, failed, canceled",
            bad["detail"]!["message"]!.GetValue<string>());
        Assert.Equal(422, badLimit);
        Assert.Equal("limit", limitError!["detail"]![0]!["loc"]![1]!.GetValue<string>());
    }
}
