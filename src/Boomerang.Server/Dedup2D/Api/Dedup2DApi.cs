using Boomerang.Server.Auth;
using Boomerang.Server.Dedup2D.BuiltIn;
using Boomerang.Server.Dedup2D.Engine;
using Boomerang.Server.Dedup2D.Index;
using Boomerang.Server.Dedup2D.Precision;
using Boomerang.Server.Dedup2D.Search;
using Boomerang.Server.Dedup2D.Storage;
using Boomerang.Server.Api;
using Boomerang.Server.Jobs;
using Boomerang.Server.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Boomerang.Server.Dedup2D.Api;

/// <summary>The seed's Dedup2D API under <c>/api/v1/dedup/2d</c>; every route needs <c>X-API-Key</c> (tenant = key hash, as for jobs).</summary>
internal static class Dedup2DApi
{
    public const string Prefix = "/api/v1/dedup/2d";

    /// <summary>Where a Dedup2D job is followed (the seed's <c>poll_url</c>).</summary>
    public static string PollUrl(string jobId) => $"{Prefix}/jobs/{jobId}";

    public static RouteGroupBuilder MapDedup2DApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(Prefix).AddEndpointFilter<ApiKeyFilter>().WithTags("Dedup2D");
        group.MapGet("/health", HealthAsync).Errors(401, 502, 503);
        group.MapPost("/index/rebuild", RebuildAsync).Errors(400, 401, 409, 429, 503);
        group.MapGet("/presets", () => Replies.Ok(new Dedup2DPresetsResponse(Presets.ToJson()))).Errors(401);
        group.MapPost("/precision/compare", CompareAsync).DisableAntiforgery()
            .MultipartBody(["left_geom_json", "right_geom_json"], ["left_geom_json", "right_geom_json"])
            .Errors(400, 401, 413, 422);
        group.MapGet("/geom/{file_hash}/exists", GeomExistsAsync).Errors(400, 401);
        group.MapPost("/index/add", IndexAddAsync).DisableAntiforgery().MultipartBody(["file", "geom_json"], ["file"])
            .Errors(400, 401, 413, 422, 429, 502, 503);
        group.MapDedup2DIndex();
        group.MapSearch();
        group.MapDedup2DJobs();
        group.MapDedup2DConfig();
        return group;
    }

    private static async Task<Results<JsonHttpResult<Dedup2DHealthResponse>, JsonHttpResult<Dedup2DError>>> HealthAsync(
        HttpContext http, EngineSelector engines, CancellationToken ct)
    {
        try
        {
            var health = await engines.Engine.HealthAsync(ct);
            if (health["status"] is not JsonValue status || status.GetValueKind() != JsonValueKind.String)
            {
                return Replies.Error(502, "search engine health response has no status");
            }
            return Replies.Ok(new Dedup2DHealthResponse(status.GetValue<string>(), Text(health["service"]), Text(health["version"]),
                health["indexes"]?.DeepClone() as JsonObject));
        }
        catch (DrawingEngineException e)
        {
            return Replies.Engine(http, e);
        }
    }

    /// <summary>On the built-in engine a job (see <see cref="IndexEndpoints.RebuildJobAsync"/>); on dedupcad-vision the
    /// seed's synchronous proxy.</summary>
    private static async Task<Results<JsonHttpResult<JsonObject>, JsonHttpResult<Dedup2DError>>> RebuildAsync(
        HttpContext http, EngineSelector engines, JobSubmission submission, IJobStore jobs, CancellationToken ct)
    {
        try
        {
            var engine = engines.Engine;
            if (engine.Name == "builtin")
            {
                return await IndexEndpoints.RebuildJobAsync(http, submission, jobs, ct);
            }
            var answer = await engine.RebuildAsync(ApiKeyFilter.TenantOf(http), ct);
            return Replies.Ok(new JsonObject
            {
                ["success"] = answer["success"]?.GetValueKind() == JsonValueKind.True,
                ["message"] = Text(answer["message"]) ?? "",
            });
        }
        catch (DrawingEngineException e)
        {
            return Replies.Engine(http, e);
        }
    }

    private static async Task<Results<JsonHttpResult<Dedup2DPrecisionCompareResponse>, JsonHttpResult<Dedup2DError>>> CompareAsync(
        HttpContext http, UploadReader reader, GeometryScorer scorer, CancellationToken ct)
    {
        var (form, error) = await reader.ReadFormAsync(http.Request, ct);
        if (error is not null)
        {
            return error;
        }
        var (left, leftPresent, leftError) = await UploadReader.GeomAsync(form!, "left_geom_json", ct);
        if (!leftPresent)
        {
            return Replies.Missing("body", "left_geom_json");
        }
        if (leftError is not null)
        {
            return leftError;
        }
        var (right, rightPresent, rightError) = await UploadReader.GeomAsync(form!, "right_geom_json", ct);
        if (!rightPresent)
        {
            return Replies.Missing("body", "right_geom_json");
        }
        if (rightError is not null)
        {
            return rightError;
        }
        var score = scorer.Score(left!, right!, "strict");
        return Replies.Ok(new Dedup2DPrecisionCompareResponse(score.Score, score.Breakdown, score.GeomHashLeft, score.GeomHashRight));
    }

    private static async Task<Results<JsonHttpResult<Dedup2DGeomExistsResponse>, JsonHttpResult<Dedup2DError>>> GeomExistsAsync(
        [Microsoft.AspNetCore.Mvc.FromRoute(Name = "file_hash")] string fileHash, Dedup2DStore store, CancellationToken ct)
    {
        if (!Dedup2DStore.IsSha256(fileHash))
        {
            return Replies.Error(400, "Invalid file_hash; expected 64-char lowercase hex sha256");
        }
        return Replies.Ok(new Dedup2DGeomExistsResponse(fileHash, await store.GeometryExistsAsync(fileHash, ct)));
    }

    private static async Task<Results<JsonHttpResult<JsonObject>, JsonHttpResult<Dedup2DError>>> IndexAddAsync(
        HttpContext http, UploadReader reader, EngineSelector engines, Dedup2DStore store, JobSubmission submission, UploadStorage uploads,
        IOptions<Dedup2DOptions> options, IOptions<BuiltInEngineOptions> builtIn, CancellationToken ct)
    {
        var query = new QueryReader(http.Request.Query);
        var userName = query.String("user_name") ?? "cad-ml-platform";
        var uploadToS3 = query.Bool("upload_to_s3", true);
        var runAsync = query.Bool("async", false);
        if (query.Error is not null)
        {
            return query.Error;
        }
        if (runAsync)
        {
            return await IndexEndpoints.ImportAsync(http, userName, uploadToS3, reader, submission, uploads, options, builtIn, ct);
        }
        // Unlike the seed, the geometry is checked before the engine is called, so a bad geom_json leaves no half-done add.
        var (file, geom, uploadError) = await reader.ReadDrawingAsync(http.Request, ct);
        if (uploadError is not null)
        {
            return uploadError;
        }
        try
        {
            return Replies.Ok(await IndexAddition.AddAsync(engines.Engine,
                store, new EngineIndexAdd(ApiKeyFilter.TenantOf(http), file!, userName, uploadToS3), geom, ct));
        }
        catch (DrawingEngineException e)
        {
            return Replies.Engine(http, e);
        }
    }

    internal static string? Text(JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
}
