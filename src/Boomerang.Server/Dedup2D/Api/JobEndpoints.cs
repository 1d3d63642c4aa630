using System.Text.Json;
using System.Text.Json.Nodes;
using Boomerang.Jobs;
using Boomerang.Server.Api;
using Boomerang.Server.Auth;
using Boomerang.Server.Background;
using Boomerang.Server.Dedup2D.Index;
using Boomerang.Server.Dedup2D.Jobs;
using Boomerang.Server.Jobs;
using Boomerang.Server.Metrics;
using Boomerang.Server.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Boomerang.Server.Dedup2D.Api;

/// <summary>The seed's job routes (reference §3.9–3.11), a view over the Boomerang jobs of kind <c>dedup2d.search</c>.</summary>
internal static class JobEndpoints
{
    /// <summary>The job kinds <c>GET/POST jobs/{job_id}</c> show: searches, and the index rebuild and import jobs.</summary>
    private static readonly string[] Kinds = [Dedup2DSearchHandler.Kind, IndexRebuildHandler.Kind, IndexImportHandler.Kind];

    public static void MapDedup2DJobs(this RouteGroupBuilder group)
    {
        group.MapGet("/jobs/{job_id}", GetAsync).Errors(401, 403, 404);
        group.MapPost("/jobs/{job_id}/cancel", CancelAsync).Errors(401, 403, 404);
        group.MapGet("/jobs", ListAsync).Errors(400, 401, 422);
    }

    private static async Task<(JobRecord? Job, JsonHttpResult<Dedup2DError>? Error)> FindAsync(string jobId, string operation,
        HttpContext http, IJobStore store, Dedup2DMetrics metrics, CancellationToken ct)
    {
        var job = await store.GetAsync(jobId, ct);
        if (job is null || !Kinds.Contains(job.Kind))
        {
            if (operation == "cancel")
            {
                metrics.Cancel("not_found");
            }
            return (null, Replies.Error(404, new JsonObject { ["error"] = "JOB_NOT_FOUND", ["job_id"] = jobId }));
        }
        if (job.TenantId != ApiKeyFilter.TenantOf(http))
        {
            metrics.TenantAccessDenied(operation);
            if (operation == "cancel")
            {
                metrics.Cancel("forbidden");
            }
            return (null, Replies.Error(403, new JsonObject { ["error"] = "JOB_FORBIDDEN", ["job_id"] = jobId }));
        }
        return (job, null);
    }

    private static async Task<Results<JsonHttpResult<Dedup2DSearchJobResponse>, JsonHttpResult<Dedup2DError>>> GetAsync(
        [Microsoft.AspNetCore.Mvc.FromRoute(Name = "job_id")] string jobId, HttpContext http, IJobStore store, BoomerangMetrics metrics,
        CancellationToken ct)
    {
        var (job, error) = await FindAsync(jobId, "get", http, store, metrics.Dedup2D, ct);
        if (error is not null)
        {
            return error;
        }
        var j = job!;
        JsonObject? result = null;
        if (j.Status == JobStatus.Completed && j.ResultJson is not null)
        {
            try
            {
                result = JsonNode.Parse(j.ResultJson) is JsonObject raw ? (j.Kind == Dedup2DSearchHandler.Kind ? SearchResponseFilter.Filter(raw) : raw) : null;
            }
            catch (JsonException)
            {
                result = null; // a stored row never makes a read fail
            }
        }
        return Replies.Ok(new Dedup2DSearchJobResponse(j.Id, j.TenantId, j.Status, j.CreatedAt, j.StartedAt, j.FinishedAt, result,
            j.Error, j.CallbackStatus, j.CallbackAttempts, j.CallbackHttpStatus, j.CallbackFinishedAt, j.CallbackLastError, j.Kind, j.Progress));
    }

    private static async Task<Results<JsonHttpResult<Dedup2DCancelResponse>, JsonHttpResult<Dedup2DError>>> CancelAsync(
        [Microsoft.AspNetCore.Mvc.FromRoute(Name = "job_id")] string jobId, HttpContext http, IJobStore store, JobSignals signals,
        BoomerangMetrics metrics, CancellationToken ct)
    {
        var (job, error) = await FindAsync(jobId, "cancel", http, store, metrics.Dedup2D, ct);
        if (error is not null)
        {
            return error;
        }
        if (await store.CancelAsync(jobId, ct) == CancelResult.CancelRequested)
        {
            signals.RequestCancel(jobId);
        }
        metrics.Dedup2D.Cancel("success");
        return Replies.Ok(new Dedup2DCancelResponse(jobId, job!.TenantId, true));
    }

    private static async Task<Results<JsonHttpResult<Dedup2DJobListResponse>, JsonHttpResult<Dedup2DError>>> ListAsync(
        HttpContext http, IJobStore store, CancellationToken ct)
    {
        var q = new QueryReader(http.Request.Query);
        var limit = q.Int("limit", 50, 1, 200);
        if (q.Error is not null)
        {
            return q.Error;
        }
        string? status = null;
        if (q.String("status") is { } raw && raw.Trim().Length > 0)
        {
            status = raw.Trim().ToLowerInvariant();
            if (!JobStatus.All.Contains(status))
            {
                return Replies.Coded(400, "INVALID_STATUS_FILTER", $"Invalid status: {raw}. Valid values: {string.Join(", ", JobStatus.All)}");
            }
        }
        var tenant = ApiKeyFilter.TenantOf(http);
        var jobs = new List<Dedup2DJobSummary>(limit);
        long? cursor = null;
        // The tenant's jobs of every kind are paged through newest first, keeping the Dedup2D ones.
        do
        {
            var page = await store.ListAsync(tenant, status, 200, cursor, ct);
            foreach (var j in page.Jobs)
            {
                if (j.Kind == Dedup2DSearchHandler.Kind && jobs.Count < limit)
                {
                    jobs.Add(new Dedup2DJobSummary(j.Id, j.TenantId, j.Status, j.CreatedAt, j.StartedAt, j.FinishedAt, j.Error));
                }
            }
            cursor = page.NextCursor;
        }
        while (cursor is not null && jobs.Count < limit);
        return Replies.Ok(new Dedup2DJobListResponse(jobs, jobs.Count));
    }
}
