using Boomerang.Jobs;
using Boomerang.Server.Background;
using Boomerang.Server.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Boomerang.Server.Api;

/// <summary>The attempt log of a job's callbacks and manual redelivery.</summary>
internal static class DeliveriesApi
{
    public static RouteGroupBuilder MapDeliveriesApi(this RouteGroupBuilder jobs)
    {
        jobs.MapGet("/{jobId}/deliveries", ListAsync).ProducesErrors(403, 404).WithSummary("List every attempt to deliver the job's callbacks");
        jobs.MapPost("/{jobId}/callback/redeliver", RedeliverAsync).ProducesErrors(403, 404, 409)
            .WithSummary("Queue the job's terminal callback again");
        return jobs;
    }

    private static async Task<Results<Ok<DeliveryListResponse>, ApiErrorResult>> ListAsync(
        string jobId, HttpContext http, IJobStore store, CancellationToken ct)
    {
        var (_, error) = await JobsApi.FindOwnAsync(jobId, http, store, ct);
        if (error is not null)
        {
            return error.ToResult(http);
        }
        var attempts = await store.ListAttemptsAsync(jobId, ct);
        return TypedResults.Ok(new DeliveryListResponse(jobId, attempts.Select(JobViews.ToView).ToList()));
    }

    private static async Task<Results<Accepted<RedeliverResponse>, ApiErrorResult>> RedeliverAsync(
        string jobId, HttpContext http, IJobStore store, JobSignals signals, CancellationToken ct)
    {
        var (_, error) = await JobsApi.FindOwnAsync(jobId, http, store, ct);
        if (error is not null)
        {
            return error.ToResult(http);
        }
        var outcome = await store.RedeliverAsync(jobId, ct);
        switch (outcome.Result)
        {
            case RedeliverResult.Queued:
                signals.Deliveries.Set();
                return TypedResults.Accepted((string?)null, new RedeliverResponse(jobId, outcome.WebhookId!, CallbackStatus.Pending));
            case RedeliverResult.NoCallback:
                return ApiErrors.Of(409, "CALLBACK_NOT_REDELIVERABLE", "job has no callback_url").ToResult(http);
            case RedeliverResult.NotFinished:
                return ApiErrors.Of(409, "CALLBACK_NOT_REDELIVERABLE", "job has not finished; its callback is sent when it does").ToResult(http);
            default:
                return ApiErrors.JobNotFound(jobId).ToResult(http);
        }
    }
}
