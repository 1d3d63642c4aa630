using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using Boomerang.IntegrationTests.Infrastructure;
using Boomerang.Jobs;

namespace Boomerang.IntegrationTests.Callbacks;

public sealed class CallbackRetryTests
{
    [Fact]
    public async Task Server_errors_are_retried_with_the_same_webhook_id_until_the_receiver_takes_it()
    {
        await using var receiver = await CallbackReceiver.StartAsync(new(500), new(503), new(408), new(200));
        await using var server = await TestServer.StartAsync(CallbackSettings.Loopback());

        var job = await server.Client.SubmitAsync(new { kind = "echo", callback_url = receiver.Url() });
        var record = await server.Client.WaitForCallbackSettledAsync(job.JobId);

        Assert.Equal("success", record.CallbackStatus);
        Assert.Equal(4, record.CallbackAttempts);
        Assert.Single(receiver.Received.Select(c => c.Header("webhook-id")).Distinct());
        var log = await server.Client.GetFromJsonAsync<DeliveryListResponse>($"/api/v1/jobs/{job.JobId}/deliveries", BoomerangJson.Options);
        Assert.Equal([500, 503, 408, 200], log!.Deliveries.Select(d => d.HttpStatus));
        Assert.Equal([1, 2, 3, 4], log.Deliveries.Select(d => d.Attempt));
        Assert.Equal("http_status:500", log.Deliveries[0].Error);
        Assert.Equal(JobStatus.Completed, record.Status);
    }

    [Fact]
    public async Task An_answer_whose_body_is_cut_short_still_counts_and_is_recorded()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var stop = new CancellationTokenSource();
        var receiver = AnswerCutShortAsync(listener, stop.Token);
        await using var server = await TestServer.StartAsync(CallbackSettings.Loopback());

        var url = $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/hook";
        var job = await server.Client.SubmitAsync(new { kind = "echo", callback_url = url });
        var record = await server.Client.WaitForCallbackSettledAsync(job.JobId);

        Assert.Equal("success", record.CallbackStatus);
        Assert.Equal(1, record.CallbackAttempts);
        Assert.Equal(200, record.CallbackHttpStatus);
        var log = await server.Client.GetFromJsonAsync<DeliveryListResponse>($"/api/v1/jobs/{job.JobId}/deliveries", BoomerangJson.Options);
        Assert.Equal("partial", Assert.Single(log!.Deliveries).ResponseBody);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => receiver);
    }

    /// <summary>Reads each request whole, then answers 200 with a Content-Length of 100, sends 7 bytes and closes.</summary>
    private static async Task AnswerCutShortAsync(TcpListener listener, CancellationToken ct)
    {
        while (true)
        {
            using var client = await listener.AcceptTcpClientAsync(ct);
            var stream = client.GetStream();
            var received = new List<byte>();
            var buffer = new byte[16 * 1024];
            async Task ReadMoreAsync()
            {
                var n = await stream.ReadAsync(buffer, ct);
                received.AddRange(n > 0 ? buffer.AsSpan(0, n) : throw new IOException("the sender closed mid-request"));
            }
            int headerEnd;
            while ((headerEnd = Encoding.ASCII.GetString([.. received]).IndexOf("\r\n\r\n", StringComparison.Ordinal)) < 0)
            {
                await ReadMoreAsync();
            }
            var headers = Encoding.ASCII.GetString([.. received], 0, headerEnd);
            var length = int.Parse(headers.Split("\r\n").Single(h => h.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))[15..].Trim(),
                System.Globalization.CultureInfo.InvariantCulture);
            while (received.Count < headerEnd + 4 + length)
            {
                await ReadMoreAsync();
            }
            await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial"u8.ToArray(), ct);
        }
    }

    [Fact]
    public async Task Attempts_run_out_and_the_callback_fails_without_touching_the_jobs_status()
    {
        await using var receiver = await CallbackReceiver.StartAsync(new ScriptedResponse(502));
        await using var server = await TestServer.StartAsync(CallbackSettings.Loopback(("Boomerang:Callbacks:MaxAttempts", "3")));

        var job = await server.Client.SubmitAsync(new { kind = "echo", callback_url = receiver.Url() });
        var record = await server.Client.WaitForCallbackSettledAsync(job.JobId);

        Assert.Equal("failed", record.CallbackStatus);
        Assert.Equal(3, record.CallbackAttempts);
        Assert.Equal(502, record.CallbackHttpStatus);
        Assert.Equal("http_status:502", record.CallbackLastError);
        Assert.Equal(JobStatus.Completed, record.Status);
        Assert.Equal(3, receiver.Received.Count);
    }

    [Theory]
    [InlineData(410)]
    [InlineData(400)]
    [InlineData(404)]
    public async Task Client_errors_are_not_retried(int status)
    {
        await using var receiver = await CallbackReceiver.StartAsync(new ScriptedResponse(status));
        await using var server = await TestServer.StartAsync(CallbackSettings.Loopback());

        var job = await server.Client.SubmitAsync(new { kind = "echo", callback_url = receiver.Url() });
        var record = await server.Client.WaitForCallbackSettledAsync(job.JobId);

        Assert.Equal("failed", record.CallbackStatus);
        Assert.Equal(1, record.CallbackAttempts);
        Assert.Equal($"http_status:{status}", record.CallbackLastError);
    }

    [Fact]
    public async Task Redirects_are_never_followed()
    {
        await using var elsewhere = await CallbackReceiver.StartAsync();
        await using var receiver = await CallbackReceiver.StartAsync(new ScriptedResponse(307, Location: elsewhere.Url("/stolen")));
        await using var server = await TestServer.StartAsync(CallbackSettings.Loopback());

        var job = await server.Client.SubmitAsync(new { kind = "echo", callback_url = receiver.Url() });
        var record = await server.Client.WaitForCallbackSettledAsync(job.JobId);

        Assert.Equal("failed", record.CallbackStatus);
        Assert.Equal(307, record.CallbackHttpStatus);
        Assert.Empty(elsewhere.Received);
    }

    [Fact]
    public async Task Retry_after_is_honoured_before_the_next_attempt()
    {
        await using var receiver = await CallbackReceiver.StartAsync(new(429, RetryAfter: "1"), new(200));
        await using var server = await TestServer.StartAsync(CallbackSettings.Loopback());

        var job = await server.Client.SubmitAsync(new { kind = "echo", callback_url = receiver.Url() });
        var calls = await receiver.WaitForAsync(2);

        // Backoff alone would retry after ~0.05 s; the receiver asked for 1 s.
        Assert.True(calls[1].At - calls[0].At >= TimeSpan.FromSeconds(0.95), $"retried after {(calls[1].At - calls[0].At).TotalSeconds:F3}s");
        Assert.Equal("success", (await server.Client.WaitForCallbackSettledAsync(job.JobId)).CallbackStatus);
    }

    [Fact]
    public async Task A_receiver_slower_than_the_timeout_fails_the_attempt_with_a_timeout_and_is_retried()
    {
        await using var receiver = await CallbackReceiver.StartAsync(new(200, Delay: TimeSpan.FromSeconds(10)), new(200));
        await using var server = await TestServer.StartAsync(CallbackSettings.Loopback(("Boomerang:Callbacks:TimeoutSeconds", "0.5")));

        var job = await server.Client.SubmitAsync(new { kind = "echo", callback_url = receiver.Url() });
        var record = await server.Client.WaitForCallbackSettledAsync(job.JobId);

        Assert.Equal("success", record.CallbackStatus);
        var log = await server.Client.GetFromJsonAsync<DeliveryListResponse>($"/api/v1/jobs/{job.JobId}/deliveries", BoomerangJson.Options);
        Assert.Equal("timeout after 0.5s", log!.Deliveries[0].Error);
        Assert.Null(log.Deliveries[0].HttpStatus);
    }

    [Fact]
    public async Task A_receiver_that_is_down_gets_the_callback_once_it_is_back()
    {
        var receiver = await CallbackReceiver.StartAsync();
        var url = receiver.Url();
        await receiver.DisposeAsync();
        await using var server = await TestServer.StartAsync(CallbackSettings.Loopback());

        var job = await server.Client.SubmitAsync(new { kind = "echo", callback_url = url });
        var failing = await Eventually.GetAsync(() => server.Client.GetJobAsync(job.JobId), j => j.CallbackAttempts >= 2, "failed attempts");

        Assert.Equal("pending", failing.CallbackStatus);
        Assert.NotNull(failing.CallbackNextAttemptAt);
        Assert.Contains("could not connect", failing.CallbackLastError);
    }
}
