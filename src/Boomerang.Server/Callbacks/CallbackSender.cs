using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Reflection;
using System.Text;
using Boomerang.Callbacks;
using Boomerang.Server.Storage;
using Boomerang.Signing;
using Microsoft.Extensions.Options;

namespace Boomerang.Server.Callbacks;

/// <summary>How one attempt ended, as far as the sender can tell; <see cref="Faulted"/> is the dispatcher's.</summary>
internal enum SendKind
{
    /// <summary>The receiver answered with an HTTP status.</summary>
    Answered,
    TimedOut,
    /// <summary>The host did not resolve or would not connect.</summary>
    Unreachable,
    /// <summary>The callback URL policy refused the URL or the address it resolved to; nothing was sent.</summary>
    Refused,
    /// <summary>The sender threw: a fault on Boomerang's side (say, a stored delivery row it cannot sign or build a
    /// request from), not the receiver's doing.</summary>
    Faulted,
}

/// <summary>One attempt: its typed outcome, and the text the attempt log shows.</summary>
internal sealed record SendResult(SendKind Kind, int? HttpStatus, string? Error, string? ResponseBody, TimeSpan? RetryAfter, double DurationMs);

/// <summary>
/// Makes one delivery attempt: the stored payload bytes, signed now (so a retry hours later still passes a receiver's
/// 5-minute tolerance) with the same webhook id every time.
/// </summary>
internal sealed class CallbackSender(
    HttpClient http, CallbackUrlPolicy policy, CallbackSigning signing, IOptions<CallbacksOptions> options, TimeProvider time)
{
    public const int LoggedBodyBytes = 1024;

    public static readonly string UserAgent = "Boomerang/" +
        (typeof(CallbackSender).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            .Split('+')[0] ?? "0");

    public async Task<SendResult> SendAsync(DueDelivery delivery, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        // The policy may have changed since the job was submitted; the stored URL is judged again.
        if (policy.Check(delivery.Url) is { IsValid: false } check)
        {
            return new SendResult(SendKind.Refused, null, check.Error, null, null, clock.Elapsed.TotalMilliseconds);
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, delivery.Url) { Content = new ByteArrayContent(delivery.Payload) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        Sign(request, delivery);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.Value.Timeout);
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            var body = await ReadCappedAsync(response.Content, timeout.Token).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            return new SendResult(SendKind.Answered, status, status is >= 200 and < 300 ? null : $"http_status:{status}", body,
                RetryAfterOf(response), clock.Elapsed.TotalMilliseconds);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new SendResult(SendKind.TimedOut, null, $"timeout after {options.Value.TimeoutSeconds.ToString(CultureInfo.InvariantCulture)}s",
                null, null, clock.Elapsed.TotalMilliseconds);
        }
        catch (HttpRequestException e)
        {
            return new SendResult(Refused(e) ? SendKind.Refused : SendKind.Unreachable, null, Describe(e), null, null,
                clock.Elapsed.TotalMilliseconds);
        }
    }

    private void Sign(HttpRequestMessage request, DueDelivery delivery)
    {
        var headers = request.Headers;
        headers.UserAgent.ParseAdd(UserAgent);
        headers.TryAddWithoutValidation(DedupSignature.JobIdHeader, delivery.JobId);
        headers.TryAddWithoutValidation("X-Dedup-Tenant-Id", delivery.TenantId);
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
        headers.TryAddWithoutValidation(StandardWebhooksSignature.IdHeader, delivery.WebhookId);
        headers.TryAddWithoutValidation(StandardWebhooksSignature.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
        var secrets = signing.SecretsFor(delivery.TenantId);
        if (secrets.Count == 0)
        {
            return;
        }
        headers.TryAddWithoutValidation(StandardWebhooksSignature.SignatureHeader,
            StandardWebhooksSignature.Sign(delivery.WebhookId, timestamp, delivery.Payload, secrets));
        // The seed's scheme carries one signature: the first (current) secret's.
        headers.TryAddWithoutValidation(DedupSignature.SignatureHeader, DedupSignature.Sign(delivery.JobId, timestamp, delivery.Payload, secrets[0]));
        headers.TryAddWithoutValidation(DedupSignature.VersionHeader, DedupSignature.Version);
    }

    /// <summary>Keeps the first 1 KiB for the attempt log and reads on, through a pooled buffer, only up to the cap. The
    /// receiver has answered once its status line is in, so a body cut short (the connection reset or closed early)
    /// keeps what arrived: the answer still counts.</summary>
    private async Task<string?> ReadCappedAsync(HttpContent content, CancellationToken ct)
    {
        var kept = new byte[LoggedBodyBytes];
        var scratch = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            await using var stream = await content.ReadAsStreamAsync(ct).ConfigureAwait(false);
            var keptLength = 0;
            var total = 0;
            int n;
            try
            {
                while (total < options.Value.MaxResponseBytes && (n = await stream.ReadAsync(scratch, ct).ConfigureAwait(false)) > 0)
                {
                    var copy = Math.Min(n, kept.Length - keptLength);
                    scratch.AsSpan(0, copy).CopyTo(kept.AsSpan(keptLength));
                    keptLength += copy;
                    total += n;
                }
            }
            catch (IOException)
            {
                // HttpIOException (not an HttpRequestException): the body ended early. Escaping here, it left the
                // attempt unrecorded and the delivery leased until its lease ran out, to be sent again without end.
            }
            return keptLength == 0 ? null : Encoding.UTF8.GetString(kept, 0, keptLength);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    private TimeSpan? RetryAfterOf(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - time.GetUtcNow() is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
        _ => null,
    };

    private static string Describe(HttpRequestException e) =>
        ConnectFailure(e)?.Message ?? (e.InnerException is { } cause ? $"{e.Message} ({cause.Message})" : e.Message);

    private static bool Refused(HttpRequestException e) => ConnectFailure(e)?.RefusedByPolicy == true;

    private static CallbackConnectException? ConnectFailure(HttpRequestException e)
    {
        for (Exception? inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is CallbackConnectException connect)
            {
                return connect;
            }
        }
        return null;
    }
}
