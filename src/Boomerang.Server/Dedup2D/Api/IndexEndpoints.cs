using System.Text.Json;
using System.Text.Json.Nodes;
using Boomerang.Jobs;
using Boomerang.Server.Auth;
using Boomerang.Server.Dedup2D.BuiltIn;
using Boomerang.Server.Dedup2D.Engine;
using Boomerang.Server.Dedup2D.Index;
using Boomerang.Server.Dedup2D.Storage;
using Boomerang.Server.Api;
using Boomerang.Server.Jobs;
using Boomerang.Server.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Boomerang.Server.Dedup2D.Api;

/// <summary>The index operations Boomerang adds to the seed's routes (built-in engine): delete one drawing, list the
/// tenant's drawings, rebuild as a job, and the bulk import (<c>index/add?async=true</c>) as a job.</summary>
internal static class IndexEndpoints
{
    private const int MaxScanPages = 25;

    public static void MapDedup2DIndex(this RouteGroupBuilder group)
    {
        group.MapDelete("/index/{file_hash}", DeleteAsync).Errors(400, 401, 404, 501);
        group.MapGet("/index", ListAsync).Errors(400, 401, 422, 501);
    }

    private static async Task<Results<JsonHttpResult<JsonObject>, JsonHttpResult<Dedup2DError>>> DeleteAsync(
        [Microsoft.AspNetCore.Mvc.FromRoute(Name = "file_hash")] string fileHash, HttpContext http, IOptions<Dedup2DOptions> options,
        BuiltInEngine engine, IDrawingRowStore rows, Dedup2DStore store, CancellationToken ct)
    {
        if (!Dedup2DStore.IsSha256(fileHash))
        {
            return Replies.Error(400, "Invalid file_hash; expected 64-char lowercase hex sha256");
        }
        if (NotBuiltIn(options) is { } unsupported)
        {
            return unsupported;
        }
        var tenant = ApiKeyFilter.TenantOf(http);
        if (!await engine.DeleteAsync(tenant, fileHash, ct))
        {
            return Replies.Error(404, new JsonObject { ["error"] = "DRAWING_NOT_FOUND", ["file_hash"] = fileHash });
        }
        // The geometry store is keyed by hash alone: it goes once no tenant has the drawing any more.
        if (!await rows.HashInUseAsync(fileHash, CancellationToken.None))
        {
            await store.DeleteGeometryAsync(fileHash, CancellationToken.None);
        }
        return Replies.Ok(new JsonObject { ["success"] = true, ["file_hash"] = fileHash, ["message"] = "deleted" });
    }

    private static async Task<Results<JsonHttpResult<JsonObject>, JsonHttpResult<Dedup2DError>>> ListAsync(
        HttpContext http, IOptions<Dedup2DOptions> options, BuiltInEngine engine, CancellationToken ct)
    {
        var q = new QueryReader(http.Request.Query);
        var limit = q.Int("limit", 50, 1, 200);
        if (q.Error is not null)
        {
            return q.Error;
        }
        if (NotBuiltIn(options) is { } unsupported)
        {
            return unsupported;
        }
        var tenant = ApiKeyFilter.TenantOf(http);
        DrawingPosition? after = null;
        if (q.String("cursor") is { Length: > 0 } cursor)
        {
            after = IndexCursor.Read(cursor, tenant);
            if (after is null)
            {
                return Replies.Coded(400, "INVALID_CURSOR", "cursor must be a next_cursor value from an earlier page of this listing");
            }
        }
        // One more than asked tells whether there is a next page without a count.
        var page = await engine.PageAsync(tenant, after, limit + 1, ct);
        var more = page.Count > limit;
        var shown = page.Take(limit).ToList();
        var drawings = new JsonArray([.. shown.Select(p => (JsonNode)new JsonObject
        {
            ["drawing_id"] = p.Drawing.DrawingId,
            ["file_hash"] = p.Drawing.FileHash,
            ["file_name"] = p.Drawing.FileName,
            ["indexed_at"] = p.Drawing.IndexedAt,
            ["has_geometry"] = p.Drawing.HasGeometry,
            ["size"] = p.Size,
        })]);
        return Replies.Ok(new JsonObject
        {
            ["drawings"] = drawings,
            ["count"] = shown.Count,
            ["next_cursor"] = more ? IndexCursor.After(tenant, new DrawingPosition(shown[^1].Drawing.IndexedAt, shown[^1].Drawing.FileHash)) : null,
        });
    }

    /// <summary><c>POST index/rebuild</c> on the built-in engine: a <c>dedup2d.index.rebuild</c> job. While one is pending or
    /// running for the tenant, a second request joins it (same job id, <c>joined: true</c>) instead of starting another,
    /// unless it asks for callbacks to a URL the running one does not call: that is refused (409) rather than dropped.</summary>
    public static async Task<Results<JsonHttpResult<JsonObject>, JsonHttpResult<Dedup2DError>>> RebuildJobAsync(
        HttpContext http, JobSubmission submission, IJobStore jobs, CancellationToken ct)
    {
        var q = new QueryReader(http.Request.Query);
        var callbackUrl = q.String("callback_url");
        var tenant = ApiKeyFilter.TenantOf(http);
        // Checked first, so a bad callback_url is refused whether or not a rebuild is running.
        var (job, invalid) = await submission.PrepareAsync(new SubmitJobRequest(IndexRebuildHandler.Kind, CallbackUrl: callbackUrl), tenant, ct);
        if (invalid is not null)
        {
            return Replies.Error(invalid.Status, JsonSerializer.SerializeToNode(invalid.Detail, BoomerangJson.Options));
        }
        if (await FindActiveAsync(jobs, tenant, IndexRebuildHandler.Kind, ct) is { } running)
        {
            var state = running.Status == JobStatus.Pending ? "pending" : "running";
            // Compared as stored: PrepareAsync normalised the URL as the running job's was (scheme case, fragment, host).
            if (job!.CallbackUrl is { } wanted && !string.Equals(wanted, running.CallbackUrl, StringComparison.Ordinal))
            {
                return Replies.Error(409, new JsonObject
                {
                    ["error"] = "REBUILD_IN_PROGRESS",
                    ["message"] = $"a rebuild is already {state} for this tenant and calls back "
                        + (running.CallbackUrl is null ? "no URL" : "another URL") + "; poll it, or ask again once it has finished",
                    ["job_id"] = running.Id,
                    ["poll_url"] = Dedup2DApi.PollUrl(running.Id),
                });
            }
            return Replies.Ok(JobAnswer(running.Id, running.Status, $"a rebuild is already {state} for this tenant; joined it", joined: true));
        }
        var outcome = (await submission.SubmitAsync([job! with { InputJson = "{}" }], ct))[0];
        if (outcome.Result == SubmitResult.QueueFull)
        {
            http.Response.Headers.RetryAfter = "5";
            return Replies.Error(429, JsonSerializer.SerializeToNode(submission.QueueFull(outcome).Detail, BoomerangJson.Options));
        }
        return Replies.Ok(JobAnswer(outcome.JobId!, JobStatus.Pending, "rebuild started as a job; follow it at poll_url", joined: false));
    }

    /// <summary><c>POST index/add?async=true</c>: every <c>file</c> part is streamed to upload storage, then one
    /// <c>dedup2d.index.import</c> job indexes them. Parts that cannot be taken (bad name, empty, too big) are listed as
    /// failures in the job result; a request with no file part at all gets 422.</summary>
    public static async Task<Results<JsonHttpResult<JsonObject>, JsonHttpResult<Dedup2DError>>> ImportAsync(
        HttpContext http, string userName, bool uploadToS3, UploadReader reader, JobSubmission submission, UploadStorage uploads,
        IOptions<Dedup2DOptions> options, IOptions<BuiltInEngineOptions> builtIn, CancellationToken ct)
    {
        var callbackUrl = http.Request.Query.TryGetValue("callback_url", out var cb) ? cb.ToString() : null;
        var (form, error) = await reader.ReadFormAsync(http.Request, builtIn.Value.MaxImportBytes, builtIn.Value.MaxImportFiles + 8,
            "Boomerang:Dedup2D:BuiltIn:MaxImportBytes", ct);
        if (error is not null)
        {
            return error;
        }
        var parts = form!.Files.GetFiles("file");
        if (parts.Count == 0)
        {
            return Replies.Missing("body", "file");
        }
        if (parts.Count > builtIn.Value.MaxImportFiles)
        {
            return Replies.Error(413, $"Too many files: at most {builtIn.Value.MaxImportFiles} per import (Boomerang:Dedup2D:BuiltIn:MaxImportFiles)");
        }
        if (form.Files.GetFile("geom_json") is not null || form.ContainsKey("geom_json"))
        {
            return Replies.Error(400, "geom_json is not taken by a bulk import (index/add?async=true); send DXF files, or add one drawing with its geom_json synchronously");
        }
        var tenant = ApiKeyFilter.TenantOf(http);
        var (job, invalid) = await submission.PrepareAsync(new SubmitJobRequest(IndexImportHandler.Kind, CallbackUrl: callbackUrl), tenant, ct);
        if (invalid is not null)
        {
            return Replies.Error(invalid.Status, JsonSerializer.SerializeToNode(invalid.Detail, BoomerangJson.Options));
        }
        var files = new List<ImportFile>();
        var refused = new List<JsonObject>();
        SubmitOutcome outcome;
        try
        {
            foreach (var part in parts)
            {
                var name = string.IsNullOrEmpty(part.FileName) ? "unknown" : part.FileName;
                if (!UploadReader.IsPlainName(name))
                {
                    refused.Add(IndexImportHandler.Failure(name.Length > 255 ? name[..255] : name, 400, UploadReader.InvalidName));
                }
                else if (part.Length == 0)
                {
                    refused.Add(IndexImportHandler.Failure(name, 400, "Empty file"));
                }
                else if (part.Length > options.Value.MaxUploadBytes)
                {
                    refused.Add(IndexImportHandler.Failure(name, 413, $"File too large: the limit is {options.Value.MaxUploadBytes} bytes (Boomerang:Dedup2D:MaxUploadBytes)"));
                }
                else
                {
                    await using var stream = part.OpenReadStream();
                    var key = await uploads.SaveAsync(job!.Id, name, stream, ct);
                    files.Add(new ImportFile(name, string.IsNullOrWhiteSpace(part.ContentType) ? "application/octet-stream" : part.ContentType, key));
                }
            }
            var input = new IndexImportInput(userName, uploadToS3, files, refused);
            outcome = (await submission.SubmitAsync([job! with { InputJson = JsonSerializer.Serialize(input, Dedup2DJson.Options) }], ct))[0];
        }
        catch
        {
            uploads.DeleteJob(job!.Id);
            throw;
        }
        if (outcome.Result == SubmitResult.QueueFull)
        {
            uploads.DeleteJob(job.Id);
            http.Response.Headers.RetryAfter = "5";
            return Replies.Error(429, JsonSerializer.SerializeToNode(submission.QueueFull(outcome).Detail, BoomerangJson.Options));
        }
        var answer = JobAnswer(outcome.JobId!, JobStatus.Pending, $"import of {parts.Count} files started as a job; follow it at poll_url", joined: false);
        answer["files"] = parts.Count;
        answer["refused"] = refused.Count;
        return Replies.Ok(answer);
    }

    private static JsonObject JobAnswer(string jobId, string status, string message, bool joined) => new()
    {
        ["success"] = true,
        ["message"] = message,
        ["job_id"] = jobId,
        ["status"] = status,
        ["poll_url"] = Dedup2DApi.PollUrl(jobId),
        ["joined"] = joined,
    };

    /// <summary>The tenant's pending or running job of this kind, newest first (a bounded scan of the status lists).</summary>
    private static async Task<JobRecord?> FindActiveAsync(IJobStore jobs, string tenant, string kind, CancellationToken ct)
    {
        foreach (var status in new[] { JobStatus.InProgress, JobStatus.Pending })
        {
            long? cursor = null;
            for (var pages = 0; pages < MaxScanPages; pages++)
            {
                var page = await jobs.ListAsync(tenant, status, 200, cursor, ct);
                if (page.Jobs.FirstOrDefault(j => j.Kind == kind) is { } found)
                {
                    return found;
                }
                if (page.NextCursor is null)
                {
                    break;
                }
                cursor = page.NextCursor;
            }
        }
        return null;
    }

    private static JsonHttpResult<Dedup2DError>? NotBuiltIn(IOptions<Dedup2DOptions> options) => options.Value.EffectiveEngine == "builtin" ? null
        : Replies.Error(501, "this index operation needs the built-in engine; dedupcad-vision has no such route (set Boomerang:Dedup2D:Engine to builtin)");
}
