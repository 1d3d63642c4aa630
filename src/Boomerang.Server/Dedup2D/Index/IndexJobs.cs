using System.Text.Json;
using System.Text.Json.Nodes;
using Boomerang.Jobs;
using Boomerang.Server.Dedup2D.BuiltIn;
using Boomerang.Server.Dedup2D.Engine;
using Boomerang.Server.Dedup2D.Storage;

namespace Boomerang.Server.Dedup2D.Index;

/// <summary>A bulk import's input: the files already in upload storage (by reference, never inline) and the parts refused
/// while reading the request (listed as failures in the result).</summary>
internal sealed record IndexImportInput(string UserName, bool UploadToS3, IReadOnlyList<ImportFile> Files, IReadOnlyList<JsonObject> Refused);

internal sealed record ImportFile(string FileName, string ContentType, string Path);

/// <summary>Reports job progress as a percentage of (done, total), writing only when the figure changes.</summary>
internal sealed class ProgressReporter(JobContext context, CancellationToken ct)
{
    private int _last = -1;

    public Task ReportAsync(int done, int total)
    {
        var percent = total <= 0 ? 100 : (int)((long)done * 100 / total);
        if (percent == _last)
        {
            return Task.CompletedTask;
        }
        _last = percent;
        return context.ReportProgressAsync(percent, ct);
    }
}

/// <summary><c>dedup2d.index.rebuild</c>: recomputes a tenant's features from the stored originals (built-in engine).
/// The result is the rebuild response (<c>success, message</c>) with the counts, the hashes without an original and the
/// drawings that failed.</summary>
internal sealed class IndexRebuildHandler(BuiltInEngine engine) : IJobHandler
{
    public const string Kind = "dedup2d.index.rebuild";

    public async Task<JsonElement?> RunAsync(JobContext context, CancellationToken cancellationToken)
    {
        var progress = new ProgressReporter(context, cancellationToken);
        var report = await engine.RebuildTenantAsync(context.TenantId, progress.ReportAsync, cancellationToken).ConfigureAwait(false);
        await context.ReportProgressAsync(100, cancellationToken).ConfigureAwait(false);
        return JsonSerializer.SerializeToElement(report.ToJson());
    }
}

/// <summary><c>dedup2d.index.import</c>: indexes each uploaded file in turn through the selected engine, as
/// <c>index/add</c> does. A file that fails is listed in the result and the import goes on; the uploads are deleted
/// when the job ends (an interrupted run keeps them: it runs again, and adding the same bytes twice is harmless).</summary>
internal sealed class IndexImportHandler(EngineSelector engines, Dedup2DStore store, UploadStorage uploads) : IJobHandler
{
    public const string Kind = "dedup2d.index.import";

    public async Task<JsonElement?> RunAsync(JobContext context, CancellationToken cancellationToken)
    {
        var input = context.Input.Deserialize<IndexImportInput>(Dedup2DJson.Options)
            ?? throw new InvalidOperationException("job input is not a Dedup2D index import");
        var progress = new ProgressReporter(context, cancellationToken);
        var total = input.Files.Count + input.Refused.Count;
        var indexed = new JsonArray();
        var failed = new JsonArray([.. input.Refused.Select(r => r.DeepClone())]);
        var done = input.Refused.Count;
        foreach (var f in input.Files)
        {
            try
            {
                var bytes = await uploads.LoadAsync(f.Path, cancellationToken).ConfigureAwait(false);
                var answer = await IndexAddition.AddAsync(engines.Engine, store,
                    new EngineIndexAdd(context.TenantId, new DrawingFile(f.FileName, f.ContentType, bytes), input.UserName, input.UploadToS3),
                    null, cancellationToken).ConfigureAwait(false);
                indexed.Add(new JsonObject
                {
                    ["file_name"] = f.FileName,
                    ["file_hash"] = answer["file_hash"]?.DeepClone(),
                    ["drawing_id"] = answer["drawing_id"]?.DeepClone(),
                    ["message"] = answer["message"]?.DeepClone(),
                });
            }
            catch (DrawingEngineException e)
            {
                failed.Add(Failure(f.FileName, e.StatusCode, Dedup2DJson.Describe(e)));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
            {
                failed.Add(Failure(f.FileName, null, "the uploaded file could not be read from file storage: " + e.Message));
            }
            done++;
            await progress.ReportAsync(done, total).ConfigureAwait(false);
        }
        uploads.DeleteJob(context.JobId);
        return JsonSerializer.SerializeToElement(new JsonObject
        {
            ["success"] = failed.Count == 0,
            ["message"] = $"indexed {indexed.Count} of {total} files" + (failed.Count > 0 ? $"; {failed.Count} failed" : ""),
            ["total"] = total,
            ["indexed"] = indexed,
            ["failed"] = failed,
        });
    }

    public static JsonObject Failure(string fileName, int? status, string error) => new()
    {
        ["file_name"] = fileName,
        ["status_code"] = status,
        ["error"] = error,
    };
}
