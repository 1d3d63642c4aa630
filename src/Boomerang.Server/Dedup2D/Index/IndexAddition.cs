using System.Text.Json;
using System.Text.Json.Nodes;
using Boomerang.Server.Dedup2D.Engine;
using Boomerang.Server.Dedup2D.Storage;

namespace Boomerang.Server.Dedup2D.Index;

/// <summary>One <c>index/add</c>, as the route and the bulk import job both do it: the engine indexes the file, then the
/// geometry (uploaded, or taken from a DXF by the engine) goes into the geometry store under the engine's file hash.</summary>
internal static class IndexAddition
{
    /// <summary>The engine's IndexAddResponse; <see cref="DrawingEngineException"/> for an engine refusal or a bad answer.</summary>
    public static async Task<JsonObject> AddAsync(IDrawingEngine engine, Dedup2DStore store, EngineIndexAdd request, JsonObject? geom,
        CancellationToken ct)
    {
        var answer = await engine.IndexAddAsync(request, ct).ConfigureAwait(false);
        geom ??= engine.TryExtractGeometry(request.File);
        if (geom is null)
        {
            return answer;
        }
        if (Text(answer["file_hash"]) is not { Length: > 0 } hash)
        {
            throw new DrawingEngineException(502, "dedupcad-vision response missing file_hash");
        }
        if (!Dedup2DStore.IsSha256(hash))
        {
            throw new DrawingEngineException(502, "search engine response file_hash is not a 64-char lowercase hex sha256");
        }
        await store.PutGeometryAsync(hash, geom, ct).ConfigureAwait(false);
        answer["message"] = (Text(answer["message"]) ?? "") + "; geom_json stored";
        return answer;
    }

    internal static string? Text(JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
}
