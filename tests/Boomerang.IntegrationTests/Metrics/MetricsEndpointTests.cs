using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Boomerang.IntegrationTests.Callbacks;
using Boomerang.IntegrationTests.Infrastructure;

namespace Boomerang.IntegrationTests.Metrics;

public sealed class MetricsEndpointTests
{
    private const string AdminToken = "metrics-admin-token-0123456789";

    private static Dictionary<string, string> Settings(params (string, string)[] extra) =>
        CallbackSettings.Loopback([("Boomerang:Auth:AdminToken", AdminToken), .. extra]);

    private static async Task<PrometheusText> ScrapeAsync(TestServer server)
    {
        using var http = server.CreateClient(null);
        http.DefaultRequestHeaders.Add("X-Admin-Token", AdminToken);
        using var response = await http.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return new PrometheusText(await response.Content.ReadAsStringAsync());
    }

    private static async Task<string> SubmitAsync(TestServer server, object body)
    {
        using var response = await server.Client.PostAsJsonAsync("/api/v1/jobs", body);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("job_id").GetString()!;
    }

    private static Task<JsonElement> WaitJobAsync(TestServer server, string id, Func<JsonElement, bool> done, string what) =>
        Eventually.GetAsync(async () => await server.Client.GetFromJsonAsync<JsonElement>($"/api/v1/jobs/{id}"), done, what, TimeSpan.FromSeconds(30));

    [Fact]
    public async Task Metrics_need_the_admin_token_unless_made_public()
    {
        await using var server = await TestServer.StartAsync(Settings());
        await using var open = await TestServer.StartAsync(Settings(("Boomerang:Metrics:Public", "true")));
        using var anonymous = server.CreateClient(null);
        using var wrong = server.CreateClient(null);
        wrong.DefaultRequestHeaders.Add("X-Admin-Token", "not-it");
        using var openAnonymous = open.CreateClient(null);
        // Prometheus's `authorization: { credentials_file: … }` sends the token as a Bearer header.
        using var bearer = server.CreateClient(null);
        bearer.DefaultRequestHeaders.Authorization = new("Bearer", AdminToken);
        using var wrongBearer = server.CreateClient(null);
        wrongBearer.DefaultRequestHeaders.Authorization = new("Bearer", "not-it");

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await wrong.GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await wrongBearer.GetAsync("/metrics")).StatusCode);
        Assert.Contains("boomerang_jobs_queued", await (await bearer.GetAsync("/metrics")).Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, (await server.Client.GetAsync("/metrics")).StatusCode);
        Assert.Contains("boomerang_jobs_queued", await (await openAnonymous.GetAsync("/metrics")).Content.ReadAsStringAsync());
        Assert.True((await ScrapeAsync(server)).HasFamily("dedup2d_jobs_total"));
    }

    [Fact]
    public async Task Without_an_admin_token_configured_metrics_stay_closed()
    {
        await using var server = await TestServer.StartAsync(CallbackSettings.Loopback());
        using var anonymous = server.CreateClient(null);

        var response = await anonymous.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("ADMIN_DISABLED", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_scrape_after_real_work_shows_the_jobs_callbacks_and_queue()
    {
        await using var flaky = await CallbackReceiver.StartAsync(new ScriptedResponse(500), new ScriptedResponse(200));
        await using var down = await CallbackReceiver.StartAsync(new ScriptedResponse(503));
        await using var server = await TestServer.StartAsync(Settings(
            ("Boomerang:Jobs:Concurrency", "1"), ("Boomerang:Callbacks:CircuitFailureThreshold", "2"),
            ("Boomerang:Callbacks:CircuitOpenSeconds", "600"), ("Boomerang:Callbacks:MaxAttempts", "5")));

        // Three completed echo jobs, one of them with a callback that fails once then lands; one failed job.
        await SubmitAsync(server, new { kind = "echo", input = 1 });
        await SubmitAsync(server, new { kind = "echo", input = 2 });
        var withCallback = await SubmitAsync(server, new { kind = "echo", input = 3, callback_url = flaky.Url() });
        var failing = await SubmitAsync(server, new { kind = "sleep", input = new { } });
        await WaitJobAsync(server, withCallback, j => j.GetProperty("callback_status").GetString() == "success", "the callback to land");
        await WaitJobAsync(server, failing, j => j.GetProperty("status").GetString() == "failed", "the sleep job to fail");
        // A receiver that keeps failing: its host's circuit opens after two failures.
        await SubmitAsync(server, new { kind = "echo", input = 4, callback_url = down.Url() });
        await down.WaitForAsync(2);
        // A callback URL the policy refuses at submit.
        using var refused = await server.Client.PostAsJsonAsync("/api/v1/jobs", new { kind = "echo", callback_url = "http://10.1.2.3/hook" });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        // One long job holds the single worker slot; two more wait behind it.
        var running = await SubmitAsync(server, new { kind = "sleep", input = new { ms = 600_000 } });
        await WaitJobAsync(server, running, j => j.GetProperty("status").GetString() == "in_progress", "the long job to start");
        await SubmitAsync(server, new { kind = "echo", input = 5 });
        await SubmitAsync(server, new { kind = "echo", input = 6 });
        var circuitHost = new Uri(down.Url()).GetLeftPart(UriPartial.Authority);
        var m = await Eventually.GetAsync(() => ScrapeAsync(server),
            // The store gauges may be up to a second old (a scrape re-reads the store at most once a second), so wait for
            // the two queued jobs as well as for the circuit.
            s => s.Value("boomerang_callback_circuit_state", ("host", circuitHost)) == 1 && s.Value("boomerang_jobs_queued") == 2,
            "the failing host's circuit to show open and the two waiting jobs to show as queued");

        Assert.Equal(6, m.Value("boomerang_jobs_submitted_total", ("kind", "echo")));
        Assert.Equal(2, m.Value("boomerang_jobs_submitted_total", ("kind", "sleep")));
        Assert.Equal(4, m.Value("boomerang_jobs_finished_total", ("kind", "echo"), ("status", "completed")));
        Assert.Equal(1, m.Value("boomerang_jobs_finished_total", ("kind", "sleep"), ("status", "failed")));
        Assert.Equal(2, m.Value("boomerang_jobs_started_total", ("kind", "sleep")));
        Assert.Equal(4, m.Value("boomerang_job_duration_seconds_count", ("kind", "echo"), ("status", "completed")));
        Assert.Equal(1, m.Value("boomerang_jobs_active"));
        Assert.Equal(2, m.Value("boomerang_jobs_queued"));
        Assert.Equal(1, m.Value("boomerang_jobs_in_progress"));
        Assert.Equal(2, m.Value("dedup2d_jobs_queued"));
        Assert.Equal(2, m.Value("dedup2d_job_queue_depth"));
        Assert.Equal(1, m.Value("dedup2d_jobs_active"));
        Assert.Equal(1, m.Value("boomerang_callbacks_total", ("event", "job.completed"), ("outcome", "success")));
        Assert.Equal(3, m.Value("boomerang_callbacks_total", ("event", "job.completed"), ("outcome", "retry")));
        Assert.Equal(3, m.Value("boomerang_callback_retries_total", ("event", "job.completed")));
        Assert.Equal(1, m.Value("boomerang_callback_latency_seconds_count", ("event", "job.completed")));
        Assert.InRange(m.Value("boomerang_callback_latency_seconds_sum", ("event", "job.completed"))!.Value, 0.0001, 30);
        Assert.Equal(1, m.Value("boomerang_callback_blocked_total", ("stage", "submit")));
        Assert.Equal(2, m.Value("boomerang_callback_host_failures", ("host", circuitHost)));
        Assert.Equal(1, m.Value("dedup2d_callbacks_total", ("outcome", "success")));
        Assert.Equal(1, m.Value("dedup2d_callback_blocked_total"));
        Assert.True(m.Samples().Any(s => s.Name.StartsWith("http_server_request_duration_seconds", StringComparison.Ordinal)), "ASP.NET Core instrumentation");
        Assert.True(m.Samples().Any(s => s.Name.StartsWith("http_client_request_duration_seconds", StringComparison.Ordinal)), "HttpClient instrumentation");
    }
}
