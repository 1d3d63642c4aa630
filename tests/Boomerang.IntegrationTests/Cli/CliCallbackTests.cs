using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Boomerang.IntegrationTests.Callbacks;
using Boomerang.IntegrationTests.Infrastructure;
using Boomerang.Signing;

namespace Boomerang.IntegrationTests.Cli;

public sealed partial class CliCallbackTests : CliTestBase
{
    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement;

    [Fact]
    public async Task Deliveries_lists_each_attempt_and_redeliver_sends_the_callback_again()
    {
        await using var receiver = await CallbackReceiver.StartAsync(new ScriptedResponse(500, Body: "down"), new ScriptedResponse(200));
        var id = Json((await RunAsync("submit", "echo", "--input", "1", "--callback", receiver.Url(), "--json")).Stdout)
            .GetProperty("job_id").GetString()!;
        await receiver.WaitForAsync(2);
        var deliveries = await Eventually.GetAsync(async () => Json((await RunAsync("deliveries", id, "--json")).Stdout),
            d => d.GetProperty("deliveries").GetArrayLength() >= 2, "two recorded attempts");

        var redeliver = await RunAsync("redeliver", id);
        var again = await receiver.WaitForAsync(3);
        var table = await RunAsync("deliveries", id);

        var attempts = deliveries.GetProperty("deliveries").EnumerateArray().ToList();
        Assert.Equal(500, attempts[0].GetProperty("http_status").GetInt32());
        Assert.Equal(200, attempts[1].GetProperty("http_status").GetInt32());
        Assert.True(redeliver.ExitCode == 0, redeliver.ToString());
        Assert.Contains("queued again", redeliver.Stdout);
        Assert.Equal(again[1].Header("webhook-id"), again[2].Header("webhook-id"));
        Assert.Contains("500", table.Stdout);
        Assert.Contains("down", table.Stdout);
    }

    [Fact]
    public async Task Redeliver_of_a_job_without_callback_is_a_409_error_line()
    {
        var id = Json((await RunAsync("submit", "echo", "--input", "1", "--wait", "--json")).Stdout).GetProperty("job_id").GetString()!;

        var run = await RunAsync("redeliver", id);

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("error: the server answered 409 CALLBACK_NOT_REDELIVERABLE", run.Stderr.Trim());
    }

    [Fact]
    public async Task Listen_verifies_prints_and_forwards_a_real_callback()
    {
        await using var app = await CallbackReceiver.StartAsync(new ScriptedResponse(200, Body: "app-ok"));
        await using var listen = CliProcess.Start(Home.Path, ["listen", "--port", "0", "--secret", CallbackSettings.Secret, "--forward-to", app.Url("/app"), "--json"]);
        var url = await ListenUrlAsync(listen);

        var id = Json((await RunAsync("submit", "echo", "--input", """{"x":1}""", "--callback", url + "/hook", "--json")).Stdout)
            .GetProperty("job_id").GetString()!;
        var forwarded = (await app.WaitForAsync(1))[0];
        await listen.WaitForOutputAsync("\"job.completed\"");
        var job = await Eventually.GetAsync(async () => Json((await RunAsync("jobs", "get", id, "--json")).Stdout),
            j => j.GetProperty("callback_status").GetString() == "success", "the callback to be recorded as delivered");

        var report = Json(listen.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Single(l => l.Contains(id, StringComparison.Ordinal)));
        Assert.Equal("valid", report.GetProperty("signature").GetString());
        Assert.Equal("standard-webhooks", report.GetProperty("scheme").GetString());
        Assert.Equal(1, report.GetProperty("body").GetProperty("result").GetProperty("x").GetInt32());
        Assert.Equal(200, report.GetProperty("forwarded_status").GetInt32());
        Assert.Equal(report.GetProperty("headers").GetProperty("webhook-id").GetString(), forwarded.Header("webhook-id"));
        Assert.Equal(id, forwarded.Json.GetProperty("job_id").GetString());
        Assert.Equal(200, job.GetProperty("callback_http_status").GetInt32());
    }

    [Fact]
    public async Task Listen_answers_401_to_a_callback_signed_with_another_secret_and_prints_why()
    {
        await using var listen = CliProcess.Start(Home.Path, ["listen", "--port", "0", "--secret", "another-secret"]);
        var url = await ListenUrlAsync(listen);

        using var http = new HttpClient();
        var body = """{"event":"job.completed","job_id":"j1"}"""u8.ToArray();
        using var request = new HttpRequestMessage(HttpMethod.Post, url + "/hook") { Content = new ByteArrayContent(body) };
        request.Headers.Add("X-Webhook-Signature", ContentHubSignature.Sign(body, WebhookSecret.Parse(CallbackSettings.Secret)));
        using var response = await http.SendAsync(request);
        await listen.WaitForOutputAsync("signature invalid");

        Assert.Equal(401, (int)response.StatusCode);
        Assert.Contains("x-webhook-signature", listen.Stdout);
    }

    [Fact]
    public async Task Verify_accepts_a_real_callback_in_each_of_the_three_schemes_and_rejects_a_tampered_one()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        await RunAsync("submit", "echo", "--input", """{"v":1}""", "--callback", receiver.Url(), "--json");
        var callback = (await receiver.WaitForAsync(1))[0];
        var secret = WebhookSecret.Parse(CallbackSettings.Secret);
        var withoutStandard = callback.Headers.Where(h => !h.Key.StartsWith("webhook-", StringComparison.Ordinal)).ToDictionary();
        var contentHub = new Dictionary<string, string> { ["content-type"] = "application/json", ["x-webhook-signature"] = ContentHubSignature.Sign(callback.Body, secret) };

        var standard = await VerifyAsync(callback.Headers, callback.Body);
        var dedup = await VerifyAsync(withoutStandard, callback.Body);
        var hub = await VerifyAsync(contentHub, callback.Body);
        var tampered = await VerifyAsync(callback.Headers, [.. callback.Body, (byte)' ']);
        var wrongSecret = await CliProcess.RunAsync(Home.Path, ["verify", "--secret", "not-the-secret"], stdin: RawRequest(callback.Headers, callback.Body));

        Assert.True(standard.ExitCode == 0, standard.ToString());
        Assert.Contains("valid (standard-webhooks)", standard.Stdout);
        Assert.True(dedup.ExitCode == 0, dedup.ToString());
        Assert.Contains("valid (x-dedup-signature)", dedup.Stdout);
        Assert.True(hub.ExitCode == 0, hub.ToString());
        Assert.Contains("valid (x-webhook-signature)", hub.Stdout);
        Assert.Equal(1, tampered.ExitCode);
        Assert.Contains("invalid", tampered.Stdout);
        Assert.Equal(1, wrongSecret.ExitCode);
    }

    private Task<CliResult> VerifyAsync(IReadOnlyDictionary<string, string> headers, byte[] body) =>
        CliProcess.RunAsync(Home.Path, ["verify", "--secret", CallbackSettings.Secret], stdin: RawRequest(headers, body));

    private static string RawRequest(IReadOnlyDictionary<string, string> headers, byte[] body)
    {
        var text = new StringBuilder("POST /hook HTTP/1.1\r\n");
        foreach (var (name, value) in headers.Where(h => h.Key != "content-length"))
        {
            text.Append(name).Append(": ").Append(value).Append("\r\n");
        }
        text.Append("Content-Length: ").Append(body.Length).Append("\r\n\r\n").Append(Encoding.UTF8.GetString(body));
        return text.ToString();
    }

    private static async Task<string> ListenUrlAsync(CliProcess listen)
    {
        await listen.WaitForOutputAsync("Ctrl+C to stop");
        return ListeningOn().Match(listen.Stderr).Groups[1].Value;
    }

    [GeneratedRegex(@"listening on (http://127\.0\.0\.1:\d+)")]
    private static partial Regex ListeningOn();
}
