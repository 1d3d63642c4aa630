using Boomerang.Jobs;

namespace Boomerang.Server.Storage.Redis;

/// <summary>
/// The lifecycle decisions the Redis store makes, kept apart from its data access so they can be replaced by the
/// shared lifecycle component the other providers move to: the outbox entry for a job's event, the rescue rule and
/// its error text, the redeliver decision. They match what the SQLite and PostgreSQL providers do.
/// </summary>
internal static class RedisLifecycle
{
    /// <summary>An outbox entry: the webhook id (kept across retries and redeliveries), the event and the signed payload.</summary>
    public sealed record OutboxEntry(string WebhookId, string Event, string Url, string Host, byte[] Payload);

    public static OutboxEntry Entry(string @event, string url, string jobId, string tenantId, string kind, string status,
        int progress, double? startedAt, double? finishedAt, string? resultJson, string? error) =>
        new("msg_" + Guid.CreateVersion7().ToString("N"), @event, url, DeliveryHost.Of(url),
            CallbackEvent.Serialize(@event, jobId, tenantId, kind, status, progress, startedAt, finishedAt, resultJson, error));

    /// <summary>An expired lease: a job asked to cancel ends canceled; one out of attempts fails; any other is requeued (null).</summary>
    public static JobOutcome? Rescue(string jobId, int attempt, bool cancelRequested, int maxAttempts) =>
        cancelRequested ? new JobOutcome(jobId, JobStatus.Canceled, null, null)
        : attempt >= maxAttempts ? new JobOutcome(jobId, JobStatus.Failed, null, $"worker lost: lease expired on attempt {attempt} of {maxAttempts}")
        : null;

    /// <summary>Whether a job's terminal callback may be queued again.</summary>
    public static RedeliverResult? RedeliverRefusal(bool exists, bool hasCallback, string status, bool hasTerminalDelivery) =>
        !exists ? RedeliverResult.NotFound
        : !hasCallback ? RedeliverResult.NoCallback
        : !JobStatus.IsFinished(status) || !hasTerminalDelivery ? RedeliverResult.NotFinished
        : null;
}
