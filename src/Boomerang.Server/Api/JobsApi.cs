using System.Globalization;
using Boomerang.Jobs;
using Boomerang.Server.Auth;
using Boomerang.Server.Background;
using Boomerang.Server.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Boomerang.Server.Api;

/// <summary>The jobs API under <c>/api/v1/jobs</c>; every route needs <c>X-API-Key</c> and sees only its tenant's jobs.</summary>
internal static class JobsApi
{
    public static RouteGroupBuilder MapJobsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/jobs").AddEndpointFilter<ApiKeyFilter>().WithTags("Jobs");
        group.MapPost("/", SubmitAsync).Accepts<SubmitJobRequest>("application/json").ProducesErrors(400, 413, 415, 429)
            .WithSummary("Submit a job (202 new, 200 when the idempotency key matched an existing job)");
        group.MapPost("/batch", SubmitBatchAsync).Accepts<SubmitBatchRequest>("application/json").ProducesErrors(400, 413, 415)
            .WithSummary("Submit up to MaxBatchSize jobs; each item gets its own status");
        group.MapGet("/", ListAsync).ProducesErrors(400).WithSummary("List the caller's jobs, newest first");
        group.MapGet("/{jobId}", GetAsync).ProducesErrors(403, 404).WithSummary("Get a job");
        group.MapPost("/{jobId}/cancel", CancelAsync).ProducesErrors(403, 404).WithSummary("Cancel a job");
        return group;
    }

    public static string PollUrl(string jobId) => $"/api/v1/jobs/{jobId}";

    private static async Task<Results<Accepted<SubmitJobResponse>, Ok<SubmitJobResponse>, ApiErrorResult>> SubmitAsync(
        HttpContext http, JobSubmission submission, CancellationToken ct)
    {
        var (request, error) = await JsonBody.ReadAsync<SubmitJobRequest>(http.Request, ct);
        if (error is not null)
        {
            return error.ToResult(http);
        }
        var (job, invalid) = await submission.PrepareAsync(request!, ApiKeyFilter.TenantOf(http), ct);
        if (invalid is not null)
        {
            return invalid.ToResult(http);
        }
        var outcome = (await submission.SubmitAsync([job!], ct))[0];
        if (submission.Refusal(outcome) is { } refused)
        {
            return refused.ToResult(http);
        }
        var body = new SubmitJobResponse(outcome.JobId!, outcome.Status!, PollUrl(outcome.JobId!));
        http.Response.Headers.Location = body.PollUrl;
        return outcome.Result == SubmitResult.Created ? TypedResults.Accepted(body.PollUrl, body) : TypedResults.Ok(body);
    }

    private static async Task<Results<Ok<SubmitBatchResponse>, ApiErrorResult>> SubmitBatchAsync(
        HttpContext http, JobSubmission submission, IOptions<ApiOptions> api, CancellationToken ct)
    {
        var (request, error) = await JsonBody.ReadAsync<SubmitBatchRequest>(http.Request, ct);
        if (error is not null)
        {
            return error.ToResult(http);
        }
        var max = api.Value.MaxBatchSize;
        if (request!.Jobs is not { Count: > 0 } items || items.Count > max)
        {
            return ApiErrors.BadRequest("INVALID_REQUEST", $"jobs must hold 1..{max} items").ToResult(http);
        }
        var tenant = ApiKeyFilter.TenantOf(http);
        var results = new BatchItemResult?[items.Count];
        var valid = new List<(int Index, NewJob Job)>(items.Count);
        var hosts = submission.HostsForOneRequest();
        for (var i = 0; i < items.Count; i++)
        {
            var (job, invalid) = await submission.PrepareAsync(items[i], tenant, ct, hosts);
            if (invalid is not null)
            {
                results[i] = new BatchItemResult(invalid.Status, null, null, null, JobSubmission.ToElement(invalid));
            }
            else
            {
                valid.Add((i, job!));
            }
        }
        var outcomes = await submission.SubmitAsync(valid.Select(v => v.Job).ToList(), ct);
        for (var k = 0; k < valid.Count; k++)
        {
            var o = outcomes[k];
            results[valid[k].Index] = submission.Refusal(o) is { } refused
                ? new BatchItemResult(refused.Status, null, null, null, JobSubmission.ToElement(refused))
                : new BatchItemResult(o.Result == SubmitResult.Created ? 202 : 200, o.JobId, o.Status, PollUrl(o.JobId!), null);
        }
        return TypedResults.Ok(new SubmitBatchResponse(results!));
    }

    private static async Task<Results<Ok<JobView>, ApiErrorResult>> GetAsync(string jobId, HttpContext http, IJobStore store, CancellationToken ct)
    {
        var (job, error) = await FindOwnAsync(jobId, http, store, ct);
        return error is not null ? error.ToResult(http) : TypedResults.Ok(JobViews.ToView(job!));
    }

    private static async Task<Results<Ok<JobListResponse>, ApiErrorResult>> ListAsync(
        HttpContext http, IJobStore store, string? status, string? limit, string? cursor, CancellationToken ct)
    {
        string? statusFilter = null;
        if (status is { Length: > 0 })
        {
            statusFilter = status.Trim().ToLowerInvariant();
            if (!JobStatus.All.Contains(statusFilter))
            {
                return ApiErrors.BadRequest("INVALID_STATUS_FILTER",
                    $"Invalid status: {JsonBody.Clip(status)}. Valid values: {string.Join(", ", JobStatus.All)}").ToResult(http);
            }
        }
        var pageSize = 50;
        if (limit is { Length: > 0 }
            && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out pageSize) || pageSize is < 1 or > 200))
        {
            return ApiErrors.BadRequest("INVALID_LIMIT", $"Invalid limit: {JsonBody.Clip(limit)}. Use a whole number from 1 to 200").ToResult(http);
        }
        long? before = null;
        if (cursor is { Length: > 0 })
        {
            before = await ListCursor.ReadAsync(cursor, ApiKeyFilter.TenantOf(http), store, ct);
            if (before is null)
            {
                return ApiErrors.BadRequest("INVALID_CURSOR", "cursor must be a next_cursor value from an earlier page").ToResult(http);
            }
        }
        var page = await store.ListAsync(ApiKeyFilter.TenantOf(http), statusFilter, pageSize, before, ct);
        return TypedResults.Ok(new JobListResponse(page.Jobs.Select(JobViews.ToView).ToList(),
            page.NextCursor is null ? null : ListCursor.After(page.Jobs[^1])));
    }

    private static async Task<Results<Ok<CancelJobResponse>, ApiErrorResult>> CancelAsync(
        string jobId, HttpContext http, IJobStore store, JobSignals signals, CancellationToken ct)
    {
        var (job, error) = await FindOwnAsync(jobId, http, store, ct);
        if (error is not null)
        {
            return error.ToResult(http);
        }
        if (await store.CancelAsync(jobId, ct) == CancelResult.CancelRequested)
        {
            signals.RequestCancel(jobId);
        }
        return TypedResults.Ok(new CancelJobResponse(jobId, job!.TenantId, true));
    }

    public static async Task<(JobRecord? Job, ApiError? Error)> FindOwnAsync(string jobId, HttpContext http, IJobStore store, CancellationToken ct)
    {
        var job = await store.GetAsync(jobId, ct);
        return job is null ? (null, ApiErrors.JobNotFound(jobId))
            : job.TenantId != ApiKeyFilter.TenantOf(http) ? (null, ApiErrors.JobForbidden(jobId))
            : (job, null);
    }
}
