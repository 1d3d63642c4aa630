using System.Text.Json;
using Boomerang.Jobs;
using Boomerang.Server.Background;
using Boomerang.Server.Callbacks;
using Boomerang.Server.Jobs;
using Boomerang.Server.Metrics;
using Boomerang.Server.Storage;
using Microsoft.Extensions.Options;

namespace Boomerang.Server.Api;

/// <summary>Validates submitted jobs (kind, callback URL, options) and stores them; shared by single and batch submit.</summary>
internal sealed class JobSubmission(
    IJobStore store, JobHandlers handlers, CallbackIntake callbacks, JobSignals signals, IOptions<JobsOptions> options,
    BoomerangMetrics metrics)
{
    public const int MaxIdempotencyKeyLength = 200;
    public const int MaxKindLength = 100;

    /// <summary>A resolver for the jobs of one request, each host looked up once (<see cref="CallbackIntake.ForOneRequest"/>).</summary>
    public Boomerang.Callbacks.IHostResolver HostsForOneRequest() => callbacks.ForOneRequest();

    /// <summary>Checks one submitted job; <paramref name="hosts"/> is the request's resolver (<see cref="HostsForOneRequest"/>).</summary>
    public async Task<(NewJob? Job, ApiError? Error)> PrepareAsync(SubmitJobRequest? request, string tenantId, CancellationToken ct,
        Boomerang.Callbacks.IHostResolver? hosts = null)
    {
        if (request is null)
        {
            return (null, ApiErrors.BadRequest("INVALID_REQUEST", "each job must be a JSON object"));
        }
        if (request.Kind.Length > MaxKindLength)
        {
            return (null, ApiErrors.BadRequest("INVALID_REQUEST", $"kind must be at most {MaxKindLength} characters"));
        }
        if (string.IsNullOrWhiteSpace(request.Kind) || !handlers.IsKnown(request.Kind))
        {
            return (null, ApiErrors.BadRequest("UNKNOWN_JOB_KIND",
                $"Unknown job kind: {JsonBody.Clip(request.Kind)}. Known kinds: {string.Join(", ", handlers.Kinds)}"));
        }
        if (request.IdempotencyKey is { } key && (key.Length == 0 || key.Length > MaxIdempotencyKeyLength || key.Any(char.IsControl)))
        {
            return (null, ApiErrors.BadRequest("INVALID_REQUEST",
                $"idempotency_key must be 1..{MaxIdempotencyKeyLength} characters with no control characters"));
        }
        var events = request.CallbackEvents ?? [];
        if (events.FirstOrDefault(e => e != CallbackEvent.Progress) is { } unknownEvent)
        {
            return (null, ApiErrors.BadRequest("INVALID_REQUEST",
                $"callback_events: unknown event '{JsonBody.Clip(unknownEvent)}'. The terminal events are always sent; the only optional one is {CallbackEvent.Progress}"));
        }
        var callback = await callbacks.CheckAsync(request.CallbackUrl, hosts, ct).ConfigureAwait(false);
        switch (callback.Refusal)
        {
            case CallbackRefusal.Disabled:
                return (null, ApiErrors.BadRequest("CALLBACK_UNSUPPORTED", callback.Reason!));
            case CallbackRefusal.InvalidUrl:
                return (null, ApiErrors.BadRequest("CALLBACK_URL_INVALID", callback.Reason!));
        }
        var input = request.Input is { } element ? element.GetRawText() : "null";
        return (new NewJob(Guid.CreateVersion7().ToString(), tenantId, request.Kind, input, request.IdempotencyKey, callback.Url,
            events.Contains(CallbackEvent.Progress)), null);
    }

    public async Task<IReadOnlyList<SubmitOutcome>> SubmitAsync(IReadOnlyList<NewJob> jobs, CancellationToken ct)
    {
        if (jobs.Count == 0)
        {
            return [];
        }
        var outcomes = await store.SubmitAsync(jobs, options.Value.MaxActive, ct).ConfigureAwait(false);
        signals.Jobs.Set();
        metrics.JobsSubmitted(jobs, outcomes);
        return outcomes;
    }

    public ApiError QueueFull(SubmitOutcome outcome) => ApiErrors.QueueFull(outcome.ActiveJobs, options.Value.MaxActive);

    /// <summary>The error for an outcome that stored nothing: the queue is full (429), or the idempotency key was taken
    /// by a different request (409, as Stripe answers); null when the job was created or found.</summary>
    public ApiError? Refusal(SubmitOutcome outcome) => outcome.Result switch
    {
        SubmitResult.QueueFull => QueueFull(outcome),
        SubmitResult.KeyReused => ApiErrors.Of(409, "IDEMPOTENCY_KEY_REUSED",
            "idempotency_key was already used with a different request; use a new key for a new request"),
        _ => null,
    };

    public static JsonElement ToElement(ApiError error) => JsonSerializer.SerializeToElement(error.Detail, BoomerangJson.Options);
}
