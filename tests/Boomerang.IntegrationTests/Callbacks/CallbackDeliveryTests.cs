using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Boomerang.IntegrationTests.Infrastructure;
using Boomerang.Jobs;
using Boomerang.Signing;

namespace Boomerang.IntegrationTests.Callbacks;

public sealed class CallbackDeliveryTests
{
    [Fact]
    public async Task A_completed_job_posts_a_signed_callback_and_its_record_shows_the_delivery()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        await using var server = await TestServer.StartAsync(CallbackSettings.Loopback());

        // Raw UTF-8 on the way in; the result is kept as sent and the callback body stays UTF-8.
        var submit = await server.Client.PostAsync("/api/v1/jobs", new StringContent(
            $$"""{"kind":"echo","input":{"text":"héllo"},"callback_url":"{{receiver.Url()}}"}""", Encoding.UTF8, "application/json"));
        var job = (await submit.Content.ReadFromJsonAsync<SubmitJobResponse>(BoomerangJson.Options))!;
        var callback = (await receiver.WaitForAsync(1))[0];
        var record = await Eventually.GetAsync(() => server.Client.GetJobAsync(job.JobId), j => j.CallbackStatus == "success", "callback success");

        var payload = callback.Json;
        Assert.Equal("job.completed", payload.GetProperty("event").GetString());
        Assert.Equal(job.JobId, payload.GetProperty("job_id").GetString());
        Assert.Equal(record.TenantId, payload.GetProperty("tenant_id").GetString());
        Assert.Equal("echo", payload.GetProperty("kind").GetString());
        Assert.Equal("completed", payload.GetProperty("status").GetString());
        Assert.Equal("héllo", payload.GetProperty("result").GetProperty("text").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, payload.GetProperty("error").ValueKind);
        Assert.Equal(record.StartedAt, payload.GetProperty("started_at").GetDouble());
        Assert.Equal(record.FinishedAt, payload.GetProperty("finished_at").GetDouble());
        Assert.Contains("\"text\":\"héllo\"", Encoding.UTF8.GetString(callback.Body));
        Assert.Equal("application/json", callback.Header("content-type"));
        Assert.StartsWith("Boomerang/", callback.Header("user-agent"));
        Assert.Equal(job.JobId, callback.Header("x-dedup-job-id"));
        Assert.Equal(record.TenantId, callback.Header("x-dedup-tenant-id"));
        Assert.StartsWith("msg_", callback.Header("webhook-id"));

        Assert.Equal(1, record.CallbackAttempts);
        Assert.Equal(200, record.CallbackHttpStatus);
        Assert.Null(record.CallbackLastError);
        Assert.NotNull(record.CallbackFinishedAt);
        Assert.Null(record.CallbackNextAttemptAt);
        Assert.Equal(receiver.Url(), record.CallbackUrl);

        var log = await server.Client.GetFromJsonAsync<DeliveryListResponse>($"/api/v1/jobs/{job.JobId}/deliveries", BoomerangJson.Options);
        var attempt = Assert.Single(log!.Deliveries);
        Assert.Equal(200, attempt.HttpStatus);
        Assert.Equal("ok", attempt.ResponseBody);
        Assert.Equal(callback.Header("webhook-id"), attempt.WebhookId);
    }

    [Fact]
    public async Task Both_signature_schemes_verify_with_an_independent_hmac_and_with_a_standard_webhooks_secret()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        await using var server = await TestServer.StartAsync(CallbackSettings.Loopback());

        var job = await server.Client.SubmitAsync(new { kind = "echo", input = 7, callback_url = receiver.Url() });
        var callback = (await receiver.WaitForAsync(1))[0];

        var key = Encoding.UTF8.GetBytes(CallbackSettings.Secret);
        var id = callback.Header("webhook-id");
        var timestamp = callback.Header("webhook-timestamp");
        var signed = Encoding.UTF8.GetBytes($"{id}.{timestamp}.").Concat(callback.Body).ToArray();
        Assert.Equal($"v1,{Convert.ToBase64String(HMACSHA256.HashData(key, signed))}", callback.Header("webhook-signature"));

        var dedup = callback.Header("x-dedup-signature");
        var t = dedup.Split(',')[0]["t=".Length..];
        var dedupSigned = Encoding.UTF8.GetBytes($"{t}.{job.JobId}.").Concat(callback.Body).ToArray();
        Assert.Equal($"t={t},v1={Convert.ToHexStringLower(HMACSHA256.HashData(key, dedupSigned))}", dedup);
        Assert.Equal("v1", callback.Header("x-dedup-signature-version"));
        Assert.Equal(timestamp, t);

        // The README's promise: plain secret S is the Standard Webhooks secret whsec_ + base64(UTF-8(S)).
        var whsec = WebhookSecret.Parse("whsec_" + Convert.ToBase64String(key));
        Assert.Equal(SignatureCheck.Valid, StandardWebhooksSignature.Verify(id, timestamp, callback.Header("webhook-signature"),
            callback.Body, [whsec], DateTimeOffset.UtcNow));
    }

    [Fact]
    public async Task Rotation_sends_one_standard_webhooks_signature_per_secret_and_tenant_secrets_override()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        var tenantB = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(TestServer.KeyB)))[..16];
        await using var server = await TestServer.StartAsync(CallbackSettings.Loopback(
            ("Boomerang:Callbacks:SigningSecrets:1", "whsec_" + Convert.ToBase64String(Encoding.UTF8.GetBytes("next-secret"))),
            ($"Boomerang:Tenants:{tenantB}:SigningSecrets:0", "tenant-b-secret")));
        using var clientB = server.CreateClient(TestServer.KeyB);

        await server.Client.SubmitAsync(new { kind = "echo", callback_url = receiver.Url("/a") });
        await receiver.WaitForAsync(1);
        await clientB.SubmitAsync(new { kind = "echo", callback_url = receiver.Url("/b") });
        var calls = await receiver.WaitForAsync(2);

        var a = calls.Single(c => c.Path == "/a");
        var b = calls.Single(c => c.Path == "/b");
        Assert.Equal(2, a.Header("webhook-signature").Split(' ').Length);
        Assert.Equal(SignatureCheck.Valid, Verify(a, "next-secret"));
        Assert.Equal(SignatureCheck.Valid, Verify(a, CallbackSettings.Secret));
        Assert.Single(b.Header("webhook-signature").Split(' '));
        Assert.Equal(SignatureCheck.Valid, Verify(b, "tenant-b-secret"));
        Assert.Equal(SignatureCheck.Invalid, Verify(b, CallbackSettings.Secret));
    }

    private static SignatureCheck Verify(ReceivedCallback c, string secret) => StandardWebhooksSignature.Verify(
        c.Header("webhook-id"), c.Header("webhook-timestamp"), c.Header("webhook-signature"), c.Body,
        [WebhookSecret.Parse(secret)], DateTimeOffset.UtcNow);

    [Fact]
    public async Task Failed_and_canceled_jobs_send_their_events_and_a_pending_cancel_skips_the_callback()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        await using var server = await TestServer.StartAsync(CallbackSettings.Loopback(("Boomerang:Jobs:Concurrency", "1")));

        var failing = await server.Client.SubmitAsync(new { kind = "sleep", input = new { bad = true }, callback_url = receiver.Url("/failed") });
        await receiver.WaitForAsync(1);
        var running = await server.Client.SubmitAsync(new { kind = "sleep", input = new { ms = 60_000 }, callback_url = receiver.Url("/canceled") });
        await server.Client.WaitForStatusAsync(running.JobId, JobStatus.InProgress);
        var waiting = await server.Client.SubmitAsync(new { kind = "echo", callback_url = receiver.Url("/skipped") });
        await server.Client.PostAsync($"/api/v1/jobs/{waiting.JobId}/cancel", null);
        await server.Client.PostAsync($"/api/v1/jobs/{running.JobId}/cancel", null);
        var calls = await receiver.WaitForAsync(2);

        var failed = calls.Single(c => c.Path == "/failed").Json;
        Assert.Equal("job.failed", failed.GetProperty("event").GetString());
        Assert.Equal("sleep input must be {\"ms\": <0..3600000>}", failed.GetProperty("error").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, failed.GetProperty("result").ValueKind);
        var canceled = calls.Single(c => c.Path == "/canceled").Json;
        Assert.Equal("job.canceled", canceled.GetProperty("event").GetString());
        Assert.Equal("canceled", canceled.GetProperty("status").GetString());

        var skipped = await server.Client.GetJobAsync(waiting.JobId);
        Assert.Equal("skipped", skipped.CallbackStatus);
        Assert.Equal("canceled_before_start", skipped.CallbackLastError);
        Assert.Equal(0, skipped.CallbackAttempts);
        Assert.DoesNotContain(receiver.Received, c => c.Path == "/skipped");
    }

    [Fact]
    public async Task Progress_callbacks_are_sent_only_to_jobs_that_ask_for_them()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        using var scripts = new TempFolder();
        var script = Path.Combine(scripts.Path, "steps.sh");
        File.WriteAllText(script, "#!/bin/bash\ncat >/dev/null\necho 'progress: 30'\necho 'progress: 60'\necho '{\"done\":true}'\n");
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.UserWrite);
        await using var server = await TestServer.StartAsync(CallbackSettings.Loopback(("Boomerang:Jobs:Commands:steps:Path", script)));

        await server.Client.SubmitAsync(new { kind = "steps", callback_url = receiver.Url("/quiet") });
        await server.Client.SubmitAsync(new { kind = "steps", callback_url = receiver.Url("/chatty"), callback_events = new[] { "job.progress" } });
        await receiver.WaitForAsync(4);

        Assert.Equal(["job.completed"], receiver.Received.Where(c => c.Path == "/quiet").Select(c => c.Json.GetProperty("event").GetString()));
        var chatty = receiver.Received.Where(c => c.Path == "/chatty").ToList();
        Assert.Equal([30, 60], chatty.Where(c => c.Json.GetProperty("event").GetString() == "job.progress")
            .Select(c => c.Json.GetProperty("progress").GetInt32()).Order());
        Assert.Single(chatty, c => c.Json.GetProperty("event").GetString() == "job.completed");
        Assert.Equal(3, chatty.Select(c => c.Header("webhook-id")).Distinct().Count());
    }

    [Fact]
    public async Task Redeliver_sends_the_callback_again_with_the_same_webhook_id_and_refuses_jobs_without_one()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        await using var server = await TestServer.StartAsync(CallbackSettings.Loopback());
        var job = await server.Client.SubmitAsync(new { kind = "echo", callback_url = receiver.Url() });
        await receiver.WaitForAsync(1);
        await Eventually.GetAsync(() => server.Client.GetJobAsync(job.JobId), j => j.CallbackStatus == "success", "first delivery");

        var response = await server.Client.PostAsync($"/api/v1/jobs/{job.JobId}/callback/redeliver", null);
        var calls = await receiver.WaitForAsync(2);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(calls[0].Header("webhook-id"), calls[1].Header("webhook-id"));
        Assert.Equal(calls[0].Body, calls[1].Body);
        var plain = await server.Client.SubmitAsync(new { kind = "echo" });
        var running = await server.Client.SubmitAsync(new { kind = "sleep", input = new { ms = 30_000 }, callback_url = receiver.Url() });
        await server.Client.WaitForStatusAsync(running.JobId, JobStatus.InProgress);
        Assert.Equal(HttpStatusCode.Conflict, (await server.Client.PostAsync($"/api/v1/jobs/{plain.JobId}/callback/redeliver", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await server.Client.PostAsync($"/api/v1/jobs/{running.JobId}/callback/redeliver", null)).StatusCode);
        await server.Client.PostAsync($"/api/v1/jobs/{running.JobId}/cancel", null);
    }
}
