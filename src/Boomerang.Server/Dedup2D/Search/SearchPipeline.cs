using System.Text.Json.Nodes;
using Boomerang.Server.Dedup2D.Engine;
using Boomerang.Server.Dedup2D.Precision;
using Boomerang.Server.Dedup2D.Storage;

namespace Boomerang.Server.Dedup2D.Search;

/// <summary>One search: the engine's recall, then the L4 precision overlay when both sides have geometry (reference §8).</summary>
internal sealed class SearchPipeline(EngineSelector engines, PrecisionOverlay overlay, Dedup2DStore store)
{
    public async Task<JsonObject> RunAsync(string tenantId, DrawingFile file, JsonObject? geomJson, SearchParameters p, CancellationToken ct)
    {
        var engine = engines.Engine;
        var response = await engine.SearchAsync(new EngineSearch(tenantId, file, p.Mode, p.MaxResults, p.ComputeDiff,
            p.EnableMl, p.EnableGeometric, ExcludeSelf: false), ct).ConfigureAwait(false);
        var queryGeom = geomJson ?? engine.TryExtractGeometry(file);
        if (queryGeom is null || !(p.EnablePrecision || p.EnableGeometric || p.Mode == "precise"))
        {
            return response;
        }
        return await overlay.ApplyAsync(response, queryGeom, file.FileName, p, store.GetGeometryAsync, ct).ConfigureAwait(false);
    }
}
