using System.Text.Json;
using Boomerang.Jobs;
using Boomerang.Server.Dedup2D.Engine;
using Boomerang.Server.Dedup2D.Search;
using Boomerang.Server.Dedup2D.Storage;

namespace Boomerang.Server.Dedup2D.Jobs;

/// <summary>
/// Runs an async Dedup2D search as an ordinary Boomerang job. The token is passed all the way into the engine call
/// and the overlay, so cancel interrupts a running search. The upload is deleted when the job ends with a result or
/// an error; an interrupted run keeps it (the job may run again after a restart) and the sweep removes it once the
/// job is finished.
/// </summary>
internal sealed class Dedup2DSearchHandler(SearchPipeline pipeline, UploadStorage uploads) : IJobHandler
{
    public const string Kind = "dedup2d.search";

    public async Task<JsonElement?> RunAsync(JobContext context, CancellationToken cancellationToken)
    {
        var input = context.Input.Deserialize<Dedup2DJobInput>(Dedup2DJson.Options)
            ?? throw new InvalidOperationException("job input is not a Dedup2D search");
        try
        {
            if (input.FileRef.Backend != "local")
            {
                throw new InvalidOperationException($"unsupported file_ref backend: {input.FileRef.Backend}");
            }
            byte[] bytes;
            try
            {
                bytes = await uploads.LoadAsync(input.FileRef.Path, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
            {
                throw new InvalidOperationException("the uploaded file is no longer in file storage", e);
            }
            var file = new DrawingFile(input.FileName, input.ContentType, bytes);
            var result = await pipeline.RunAsync(context.TenantId, file, input.QueryGeom, input.RequestParams, cancellationToken)
                .ConfigureAwait(false);
            uploads.DeleteJob(context.JobId);
            return JsonSerializer.SerializeToElement(result, Dedup2DJson.Options);
        }
        catch (DrawingEngineException e)
        {
            uploads.DeleteJob(context.JobId);
            throw new InvalidOperationException(Dedup2DJson.Describe(e), e);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            uploads.DeleteJob(context.JobId);
            throw;
        }
    }
}
