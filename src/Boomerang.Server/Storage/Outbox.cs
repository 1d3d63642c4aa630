using Boomerang.Jobs;

namespace Boomerang.Server.Storage;

/// <summary>
/// One row of the outbox (a callback delivery) exactly as every store writes it: the provider only stores these
/// fields. Pending entries are due at once; skipped ones are finished with the reason in <see cref="LastError"/>.
/// </summary>
internal sealed record OutboxEntry(
    string WebhookId, string JobId, string TenantId, string Event, bool Terminal, string Url, string Host, byte[] Payload,
    string Status, string? LastError, double? NextAttemptAt, double? FinishedAt, double CreatedAt);

/// <summary>A job as a store found it while finishing it: what the terminal callback is built from.</summary>
internal sealed record FinishingJob(string JobId, string TenantId, string Kind, string? CallbackUrl, double? StartedAt, int Progress);

/// <summary>A running job as a store found it while recording its progress.</summary>
internal sealed record ProgressingJob(string JobId, string TenantId, string Kind, string? CallbackUrl, bool WantsProgressCallbacks,
    double? StartedAt);

/// <summary>Builds the outbox entries of a job's life: progress, the terminal event, the skipped cancel-before-start.</summary>
internal static class Outbox
{
    /// <summary>The reason a pending job's cancel callback is kept but not sent (the seed's behaviour).</summary>
    public const string CanceledBeforeStart = "canceled_before_start";

    /// <summary>A webhook id: <c>msg_</c> and a time-ordered GUID. It is kept across retries and redeliveries.</summary>
    public static string NewWebhookId() => "msg_" + Guid.CreateVersion7().ToString("N");

    /// <summary>A finished job shows 100 once completed; otherwise the last progress its handler reported. Gives the
    /// same answer for the progress before and after the finishing write.</summary>
    public static int FinishedProgress(string status, int progress) => status == JobStatus.Completed ? 100 : progress;

    /// <summary>The terminal callback of a job that finished now with <paramref name="outcome"/>; null without a callback URL.</summary>
    public static OutboxEntry? Terminal(FinishingJob job, JobOutcome outcome, double now)
    {
        if (job.CallbackUrl is not { } url)
        {
            return null;
        }
        var @event = CallbackEvent.ForStatus(outcome.Status);
        var payload = CallbackEvent.Serialize(@event, job.JobId, job.TenantId, job.Kind, outcome.Status,
            FinishedProgress(outcome.Status, job.Progress), job.StartedAt, now, outcome.ResultJson, outcome.Error);
        return Pending(job.JobId, job.TenantId, @event, terminal: true, url, payload, now);
    }

    /// <summary>A progress callback, only for a job with a callback URL that asked for progress callbacks.</summary>
    public static OutboxEntry? Progress(ProgressingJob job, int progress, double now)
    {
        if (job.CallbackUrl is not { } url || !job.WantsProgressCallbacks)
        {
            return null;
        }
        var payload = CallbackEvent.Serialize(CallbackEvent.Progress, job.JobId, job.TenantId, job.Kind, JobStatus.InProgress,
            progress, job.StartedAt, null, null, null);
        return Pending(job.JobId, job.TenantId, CallbackEvent.Progress, terminal: false, url, payload, now);
    }

    /// <summary>A pending job canceled by its owner: the callback is not sent, but kept complete so a redelivery can send it.</summary>
    public static OutboxEntry? CanceledPending(string jobId, string tenantId, string kind, string? callbackUrl, double now)
    {
        if (callbackUrl is not { } url)
        {
            return null;
        }
        var payload = CallbackEvent.Serialize(CallbackEvent.Canceled, jobId, tenantId, kind, JobStatus.Canceled, 0, null, now, null, null);
        return new OutboxEntry(NewWebhookId(), jobId, tenantId, CallbackEvent.Canceled, true, url, DeliveryHost.Of(url), payload,
            CallbackStatus.Skipped, CanceledBeforeStart, NextAttemptAt: null, FinishedAt: now, CreatedAt: now);
    }

    private static OutboxEntry Pending(string jobId, string tenantId, string @event, bool terminal, string url, byte[] payload, double now) =>
        new(NewWebhookId(), jobId, tenantId, @event, terminal, url, DeliveryHost.Of(url), payload,
            CallbackStatus.Pending, LastError: null, NextAttemptAt: now, FinishedAt: null, CreatedAt: now);

    /// <summary>Whether an entry just written may be handed to a dispatcher at once: pending and due now.</summary>
    public static bool IsDue(OutboxEntry entry, double now) =>
        entry.Status == CallbackStatus.Pending && entry.NextAttemptAt is { } next && next <= now;

    /// <summary>The entry as the dispatcher sends it, once written under <paramref name="seq"/>; never tried yet.</summary>
    public static DueDelivery Leased(OutboxEntry e, long seq) =>
        new(seq, e.WebhookId, e.JobId, e.TenantId, e.Event, e.Url, e.Host, e.Payload, Attempts: 0);
}
