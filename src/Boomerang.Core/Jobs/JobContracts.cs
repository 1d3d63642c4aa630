using System.Text.Json;

namespace Boomerang.Jobs;

/// <summary>Body of <c>POST /api/v1/jobs</c> and of each item of a batch.</summary>
/// <param name="Kind">A job kind the server knows (built in, registered in DI, or a configured command).</param>
/// <param name="Input">Any JSON value; handed to the handler as it is.</param>
/// <param name="CallbackUrl">Where the outcome is POSTed when the job finishes.</param>
/// <param name="IdempotencyKey">A repeated key from the same tenant returns the existing job.</param>
/// <param name="CallbackEvents">Extra events to send; <c>job.progress</c> is the only one today.</param>
public sealed record SubmitJobRequest(
    string Kind,
    JsonElement? Input = null,
    string? CallbackUrl = null,
    string? IdempotencyKey = null,
    IReadOnlyList<string>? CallbackEvents = null);

/// <summary>Answer to a submit: 202 for a new job, 200 when an idempotency key matched an existing one.</summary>
public sealed record SubmitJobResponse(string JobId, string Status, string PollUrl);

/// <summary>Body of <c>POST /api/v1/jobs/batch</c>.</summary>
public sealed record SubmitBatchRequest(IReadOnlyList<SubmitJobRequest> Jobs);

/// <summary>One item of a batch answer: the job, or the error that item got, with the HTTP status it would have had alone.</summary>
public sealed record BatchItemResult(int Status, string? JobId, string? JobStatus, string? PollUrl, JsonElement? Error);

/// <summary>Answer to a batch submit, one result per item in the order sent.</summary>
public sealed record SubmitBatchResponse(IReadOnlyList<BatchItemResult> Results);

/// <summary>
/// A job as <c>GET /api/v1/jobs/{job_id}</c> shows it. Times are epoch seconds. <c>RenderError</c> is set when a
/// stored value could not be shown as it is (a result that is not valid JSON text, say): the value is then null (a
/// result) or has its broken characters replaced by U+FFFD (a text), and it says which and why. It is null for every
/// job written through the API.
/// </summary>
public sealed record JobView(
    string JobId,
    string TenantId,
    string Kind,
    string Status,
    double CreatedAt,
    double? StartedAt,
    double? FinishedAt,
    int Attempt,
    int Progress,
    JsonElement? Result,
    string? Error,
    string? CallbackUrl,
    string? CallbackStatus,
    int? CallbackAttempts,
    int? CallbackHttpStatus,
    double? CallbackFinishedAt,
    string? CallbackLastError,
    double? CallbackNextAttemptAt,
    string? RenderError = null);

/// <summary>A page of jobs, newest first. Pass <see cref="NextCursor"/> back to get the next page.</summary>
public sealed record JobListResponse(IReadOnlyList<JobView> Jobs, string? NextCursor);

/// <summary>Answer to a cancel request.</summary>
public sealed record CancelJobResponse(string JobId, string TenantId, bool Canceled);

/// <summary>One attempt to deliver a job's callback.</summary>
public sealed record DeliveryAttemptView(
    string WebhookId,
    string Event,
    int Attempt,
    double StartedAt,
    double DurationMs,
    int? HttpStatus,
    string? Error,
    string? ResponseBody);

/// <summary>Answer to <c>GET /api/v1/jobs/{job_id}/deliveries</c>.</summary>
public sealed record DeliveryListResponse(string JobId, IReadOnlyList<DeliveryAttemptView> Deliveries);

/// <summary>Answer to <c>POST /api/v1/jobs/{job_id}/callback/redeliver</c> (202): the terminal callback is queued again.</summary>
public sealed record RedeliverResponse(string JobId, string WebhookId, string CallbackStatus);
