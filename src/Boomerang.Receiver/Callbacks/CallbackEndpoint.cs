using System.Diagnostics;
using Boomerang.Signing;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Boomerang.Receiver.Callbacks;

/// <summary>
/// <c>POST …/{task_id}</c>: read the raw body (size-limited), verify its signature on those exact bytes, parse it,
/// apply it once. 401 unsigned when a signature is required, 403 bad/stale signature or another task's payload,
/// 400 malformed, 404 unknown task, 503 + Retry-After while the task is busy, 500 when the handler failed.
/// </summary>
internal sealed partial class CallbackEndpoint(
    CallbackProcessor processor, ReceiverSecrets secrets, IOptions<BoomerangReceiverOptions> options, TimeProvider time,
    IHostApplicationLifetime lifetime, ILogger<CallbackEndpoint> log)
{
    public const string TaskIdRouteValue = "task_id";

    // Well inside a sender's request timeout (Boomerang's is 10 s).
    private static readonly TimeSpan BusyWait = TimeSpan.FromSeconds(2);

    public async Task<IResult> HandleAsync(HttpContext http)
    {
        var started = Stopwatch.GetTimestamp();
        var taskId = http.GetRouteValue(TaskIdRouteValue) as string ?? "";
        (CallbackReply Reply, string Outcome, SignatureScheme Scheme, string? Event, string? WebhookId) r;
        try
        {
            r = await ProcessAsync(http, taskId).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The store failed, so nothing was recorded: the sender should retry.
            LogFailed(log, taskId, e);
            r = (CallbackReply.Error(500, "Callback processing failed"), "error", SignatureScheme.None, null, null);
        }
        LogCallback(log, taskId, r.Reply.StatusCode, r.Outcome, r.Scheme, r.Event ?? "-", r.WebhookId ?? "-",
            Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return r.Reply;
    }

    private async Task<(CallbackReply, string Outcome, SignatureScheme, string?, string?)> ProcessAsync(HttpContext http, string taskId)
    {
        var o = options.Value;
        var body = await ReadBodyAsync(http, o.MaxBodyBytes).ConfigureAwait(false);
        if (body is null)
        {
            return (CallbackReply.Error(413, "Callback body too large"), "too_large", SignatureScheme.None, null, null);
        }

        var verification = secrets.Keys.Count == 0
            ? new WebhookVerification(SignatureCheck.Missing, SignatureScheme.None)
            : WebhookVerifier.Verify(name => Header(http, name), body, secrets.Keys, time.GetUtcNow(),
                TimeSpan.FromSeconds(o.TimestampToleranceSeconds), o.AcceptedSchemes);
        var scheme = verification.Scheme;
        switch (verification.Result)
        {
            case SignatureCheck.Missing when o.SignatureRequired:
                return (CallbackReply.Error(401, "Missing signature"), "unsigned", scheme, null, null);
            case SignatureCheck.Invalid or SignatureCheck.Expired or SignatureCheck.FutureDated:
                return (CallbackReply.Error(403, "Invalid signature"), verification.Result.ToString().ToLowerInvariant(), scheme, null, null);
        }

        var (payload, problem) = CallbackPayload.Parse(body);
        if (payload is null)
        {
            return (CallbackReply.Error(400, $"Invalid callback: {problem}"), "malformed", scheme, null, null);
        }
        if ((payload.TaskId is not null && payload.TaskId != taskId)
            || (scheme == SignatureScheme.Dedup && payload.JobId != Header(http, DedupSignature.JobIdHeader)))
        {
            return (CallbackReply.Error(403, "Callback does not belong to this task"), "wrong_task", scheme, payload.Event, null);
        }

        var webhookId = Header(http, StandardWebhooksSignature.IdHeader) is { Length: > 0 } id ? id : payload.DerivedWebhookId();
        var applied = await processor.ApplyAsync(taskId,
            new TaskEvent(payload.Kind, payload.JobId, payload.Progress, payload.Result, payload.Error, webhookId, CallbackSource.Callback),
            BusyWait, lifetime.ApplicationStopping).ConfigureAwait(false);
        var reply = applied switch
        {
            ApplyOutcome.Processed => CallbackReply.Success("Callback processed"),
            ApplyOutcome.AlreadyProcessed => CallbackReply.Success("Already processed"),
            ApplyOutcome.NotFound => CallbackReply.Error(404, "Task not found"),
            ApplyOutcome.WrongJob => CallbackReply.Error(403, "Callback does not belong to this task"),
            ApplyOutcome.HandlerFailed => CallbackReply.Error(500, "Callback handler failed"),
            _ => CallbackReply.RetryLater(),
        };
        return (reply, applied.ToString(), scheme, payload.Event, webhookId);
    }

    private static string? Header(HttpContext http, string name) =>
        http.Request.Headers.TryGetValue(name, out var values) ? values.ToString() : null;

    /// <summary>The body's bytes, or null when it is larger than <paramref name="max"/>.</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpContext http, long max)
    {
        if (http.Request.ContentLength > max)
        {
            return null;
        }
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = max;
        }
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await http.Request.Body.ReadAsync(chunk, http.RequestAborted).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > max)
                {
                    return null;
                }
                buffer.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return null;
        }
        return buffer.ToArray();
    }

    [LoggerMessage(EventId = 4002, Level = LogLevel.Error, Message = "Callback for task {TaskId} could not be processed")]
    private static partial void LogFailed(ILogger logger, string taskId, Exception exception);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information,
        Message = "Callback for task {TaskId}: {StatusCode} {Outcome} (scheme {Scheme}, event {Event}, webhook {WebhookId}) in {ElapsedMs:0.0} ms")]
    private static partial void LogCallback(ILogger logger, string taskId, int statusCode, string outcome, SignatureScheme scheme,
        string @event, string webhookId, double elapsedMs);
}
