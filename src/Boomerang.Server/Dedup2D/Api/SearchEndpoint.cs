using System.Text.Json;
using System.Text.Json.Nodes;
using Boomerang.Jobs;
using Boomerang.Server.Api;
using Boomerang.Server.Auth;
using Boomerang.Server.Dedup2D.Engine;
using Boomerang.Server.Dedup2D.Jobs;
using Boomerang.Server.Dedup2D.Search;
using Boomerang.Server.Dedup2D.Storage;
using Boomerang.Server.Metrics;
using Boomerang.Server.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Boomerang.Server.Dedup2D.Api;

/// <summary><c>POST /search</c> (reference §3.8): parameters, presets and tenant defaults, forced async, then inline or as a job.</summary>
internal static class SearchEndpoint
{
    public static void MapSearch(this RouteGroupBuilder group) =>
        group.MapPost("/search", SearchAsync).DisableAntiforgery().MultipartBody(["file", "geom_json"], ["file"])
            .Produces<Dedup2DSearchResponse>().Produces<Dedup2DSearchAsyncResponse>()
            .Errors(400, 401, 413, 422, 429, 502, 503);

    private static async Task<Results<JsonHttpResult<JsonObject>, JsonHttpResult<Dedup2DSearchAsyncResponse>, JsonHttpResult<Dedup2DError>>> SearchAsync(
        HttpContext http, UploadReader reader, Dedup2DStore store, SearchPipeline pipeline, JobSubmission submission,
        UploadStorage uploads, IOptions<Dedup2DOptions> options, BoomerangMetrics metrics, CancellationToken ct)
    {
        var q = new QueryReader(http.Request.Query);
        var runAsync = q.Bool("async", false);
        var callbackUrl = q.String("callback_url");
        var parsed = new SearchParameters
        {
            Mode = q.String("mode") ?? "balanced",
            MaxResults = q.Int("max_results", 50),
            ComputeDiff = q.Bool("compute_diff", true),
            EnableMl = q.Bool("enable_ml", false),
            EnableGeometric = q.Bool("enable_geometric", false),
            EnablePrecision = q.Bool("enable_precision", true),
            PrecisionProfile = q.String("precision_profile"),
            VersionGate = q.String("version_gate"),
            PrecisionTopN = q.Int("precision_top_n", 20),
            PrecisionVisualWeight = q.Double("precision_visual_weight", 0.3),
            PrecisionGeomWeight = q.Double("precision_geom_weight", 0.7),
            PrecisionComputeDiff = q.Bool("precision_compute_diff", false),
            PrecisionDiffTopN = q.Int("precision_diff_top_n", 5),
            PrecisionDiffMaxPaths = q.Int("precision_diff_max_paths", 200),
            DuplicateThreshold = q.Double("duplicate_threshold", 0.95),
            SimilarThreshold = q.Double("similar_threshold", 0.80),
        };
        if (q.Error is not null)
        {
            return q.Error;
        }
        var (file, geom, uploadError) = await reader.ReadDrawingAsync(http.Request, ct);
        if (uploadError is not null)
        {
            return uploadError;
        }

        var tenant = ApiKeyFilter.TenantOf(http);
        var rawPreset = q.String("preset");
        var preset = Presets.Normalize(rawPreset);
        if (preset is not null && !Presets.All.ContainsKey(preset))
        {
            return Replies.Error(400, $"Unknown preset: {rawPreset}");
        }
        SearchParameters effective;
        try
        {
            var present = http.Request.Query.Keys.ToHashSet(StringComparer.Ordinal);
            effective = ParameterMerge.Apply(parsed, present, preset, await store.GetConfigAsync(tenant, ct));
        }
        catch (ArgumentException e)
        {
            return Replies.Error(400, e.Message);
        }

        metrics.Dedup2D.SearchMode(effective.Mode);
        var reason = ForcedAsync.Reason(options.Value, file!.Bytes.Length, effective.EnablePrecision, geom is not null, effective.Mode);
        if (runAsync || reason is not null)
        {
            return await SubmitAsync(http, tenant, file, geom, effective, reason, callbackUrl, submission, uploads, metrics.Dedup2D, ct);
        }
        try
        {
            var result = await pipeline.RunAsync(tenant, file, geom, effective, ct);
            return Replies.Ok(SearchResponseFilter.Filter(result));
        }
        catch (ArgumentException e)
        {
            return Replies.Error(400, e.Message);
        }
        catch (DrawingEngineException e)
        {
            return Replies.Engine(http, e);
        }
    }

    private static async Task<Results<JsonHttpResult<JsonObject>, JsonHttpResult<Dedup2DSearchAsyncResponse>, JsonHttpResult<Dedup2DError>>> SubmitAsync(
        HttpContext http, string tenant, DrawingFile file, JsonObject? geom, SearchParameters p, string? reason, string? callbackUrl,
        JobSubmission submission, UploadStorage uploads, Dedup2DMetrics metrics, CancellationToken ct)
    {
        var (job, invalid) = await submission.PrepareAsync(
            new SubmitJobRequest(Dedup2DSearchHandler.Kind, CallbackUrl: callbackUrl), tenant, ct);
        if (invalid is not null)
        {
            return Replies.Error(invalid.Status, JsonSerializer.SerializeToNode(invalid.Detail, BoomerangJson.Options));
        }
        var key = await uploads.SaveAsync(job!.Id, file.FileName, file.Bytes, ct);
        SubmitOutcome outcome;
        try
        {
            var input = new Dedup2DJobInput(file.FileName, file.ContentType, new Dedup2DFileRef("local", key), geom, p, reason);
            outcome = (await submission.SubmitAsync([job with { InputJson = JsonSerializer.Serialize(input, Dedup2DJson.Options) }], ct))[0];
        }
        catch
        {
            uploads.DeleteJob(job.Id);
            throw;
        }
        if (outcome.Result == SubmitResult.QueueFull)
        {
            uploads.DeleteJob(job.Id);
            metrics.QueueFull();
            var full = submission.QueueFull(outcome);
            http.Response.Headers.RetryAfter = "5";
            return Replies.Error(429, JsonSerializer.SerializeToNode(full.Detail, BoomerangJson.Options));
        }
        if (outcome.Result == SubmitResult.Created)
        {
            metrics.JobSubmitted();
        }
        return Replies.Ok(new Dedup2DSearchAsyncResponse(outcome.JobId!, JobStatus.Pending, Dedup2DApi.PollUrl(outcome.JobId!), reason));
    }
}
