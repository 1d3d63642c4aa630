namespace Boomerang.Server.Storage;

internal sealed record NewJob(
    string Id, string TenantId, string Kind, string InputJson,
    string? IdempotencyKey, string? CallbackUrl, bool WantsProgressCallbacks);

/// <summary>Created; Existing (the idempotency key's job, same request); KeyReused (the key is taken by a different
/// request: nothing is created); QueueFull.</summary>
internal enum SubmitResult { Created, Existing, QueueFull, KeyReused }

internal sealed record SubmitOutcome(SubmitResult Result, string? JobId, string? Status, long ActiveJobs = 0);

/// <summary>A job row joined with its terminal callback delivery, as the API shows it.</summary>
internal sealed record JobRecord(
    long Seq, string Id, string TenantId, string Kind, string Status,
    double CreatedAt, double? StartedAt, double? FinishedAt, int Attempt, int Progress,
    string? ResultJson, string? Error, string? CallbackUrl,
    string? CallbackStatus, int? CallbackAttempts, int? CallbackHttpStatus,
    double? CallbackFinishedAt, string? CallbackLastError, double? CallbackNextAttemptAt);

internal sealed record JobPage(IReadOnlyList<JobRecord> Jobs, long? NextCursor);

internal enum CancelResult { NotFound, Canceled, CancelRequested, AlreadyFinished }

internal sealed record ClaimedJob(
    string Id, string TenantId, string Kind, string InputJson, int Attempt,
    string? CallbackUrl, bool WantsProgressCallbacks);

/// <summary>How an attempt ended, as the worker reports it. It lands only while that attempt still holds the lease.</summary>
internal sealed record JobOutcome(string JobId, int Attempt, string Status, string? ResultJson, string? Error);

/// <summary>One attempt of a running job: the fence for every write its worker makes (finish, heartbeat, progress,
/// release). The owner alone is not enough: a process can lose a job to the rescuer and claim it again itself.</summary>
internal sealed record LeasedJob(string JobId, int Attempt);

internal sealed record HeartbeatResult(IReadOnlyList<string> CancelRequested, IReadOnlyList<string> Lost);

/// <summary>A callback delivery that is due, leased to one dispatcher.</summary>
internal sealed record DueDelivery(
    long Seq, string WebhookId, string JobId, string TenantId, string Event, string Url, string Host, byte[] Payload, int Attempts);

/// <summary>What one delivery attempt did, and what the delivery becomes.</summary>
internal sealed record DeliveryAttempt(
    DueDelivery Delivery, double StartedAt, double DurationMs, int? HttpStatus, string? Error, string? ResponseBody,
    string NewStatus, double? NextAttemptAt);

internal sealed record DeliveryAttemptRecord(
    string WebhookId, string Event, int Attempt, double StartedAt, double DurationMs, int? HttpStatus, string? Error, string? ResponseBody);

internal enum RedeliverResult { NotFound, NoCallback, NotFinished, Queued }

internal sealed record RedeliverOutcome(RedeliverResult Result, string? WebhookId = null);
