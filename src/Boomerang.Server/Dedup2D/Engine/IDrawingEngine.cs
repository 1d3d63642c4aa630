using System.Text.Json.Nodes;

namespace Boomerang.Server.Dedup2D.Engine;

/// The search engine behind Dedup2D: the dedupcad-vision adapter or the built-in engine.
internal interface IDrawingEngine
{
    /// "builtin" or "dedupcad-vision".
    string Name { get; }

    /// {status, service, version, indexes} (reference §3.1)
    Task<JsonObject> HealthAsync(CancellationToken ct);

    /// The vision search response (reference §4): success, total_matches, duplicates, similar, final_level,
    /// timing{total_ms,l1_ms,l2_ms,l3_ms,l4_ms}, level_stats, warnings, error; MatchItems with drawing_id, file_hash,
    /// file_name, similarity, confidence, match_level, verdict, levels.
    Task<JsonObject> SearchAsync(EngineSearch request, CancellationToken ct);

    /// IndexAddResponse: success, drawing_id, file_hash, message, processing_time_ms
    Task<JsonObject> IndexAddAsync(EngineIndexAdd request, CancellationToken ct);

    /// {success, message}
    Task<JsonObject> RebuildAsync(string tenantId, CancellationToken ct);

    /// v2 geometry JSON taken from the file itself (a DXF), or null when the engine cannot (images, the vision adapter).
    JsonObject? TryExtractGeometry(DrawingFile file);
}

internal sealed record DrawingFile(string FileName, string ContentType, ReadOnlyMemory<byte> Bytes);

internal sealed record EngineSearch(string TenantId, DrawingFile File, string Mode, int MaxResults, bool ComputeDiff,
    bool EnableMl, bool EnableGeometric, bool ExcludeSelf);

internal sealed record EngineIndexAdd(string TenantId, DrawingFile File, string UserName, bool UploadToS3);

/// An engine failure the API maps as reference §3.8.3: status code, detail (string or JSON), optional Retry-After.
internal sealed class DrawingEngineException(int statusCode, JsonNode? detail, int? retryAfterSeconds = null) : Exception
{
    public int StatusCode => statusCode;
    public JsonNode? Detail => detail;
    public int? RetryAfterSeconds => retryAfterSeconds;
}
