using System.Text.Json.Nodes;

namespace Boomerang.Server.Dedup2D.Api;

// The seed's response and error models (reference §3, §4), serialised snake_case.

/// <summary>FastAPI's error envelope: <c>detail</c> is a string, an object, or a list of validation errors.</summary>
internal sealed record Dedup2DError(JsonNode? Detail);

/// <summary>One FastAPI validation error: where (<c>["query","limit"]</c>), what kind, and a message.</summary>
internal sealed record ValidationItem(string Type, IReadOnlyList<string> Loc, string Msg, string? Input);

internal sealed record Dedup2DHealthResponse(string Status, string? Service, string? Version, JsonObject? Indexes);

internal sealed record Dedup2DPresetsResponse(JsonObject Presets);

internal sealed record Dedup2DTenantConfigResponse(string TenantId, JsonObject Config);

/// <summary>Body of <c>PUT /api/v1/dedup/2d/config</c>; every field optional.</summary>
internal sealed record Dedup2DTenantConfig(
    string? Preset, string? Mode, string? PrecisionProfile, string? VersionGate, int? PrecisionTopN,
    double? PrecisionVisualWeight, double? PrecisionGeomWeight, double? DuplicateThreshold, double? SimilarThreshold);

internal sealed record Dedup2DPrecisionCompareResponse(double Score, IReadOnlyDictionary<string, double> Breakdown,
    string GeomHashLeft, string GeomHashRight);

internal sealed record Dedup2DGeomExistsResponse(string FileHash, bool Exists);

internal sealed record Dedup2DIndexAddResponse(bool Success, JsonNode? DrawingId, string? FileHash, string? Message,
    double? ProcessingTimeMs, string? S3Key);

internal sealed record Dedup2DMatchItem(
    string DrawingId, string FileHash, string FileName, double Similarity, double Confidence, int MatchLevel, string Verdict,
    JsonObject Levels, string? FinePartType, string? CoarsePartType, string? DecisionSource, bool? IsCoarseLabel,
    double? VisualSimilarity, double? PrecisionScore, JsonObject? PrecisionBreakdown, double? PrecisionDiffSimilarity,
    JsonObject? PrecisionDiff, string? DiffImageBase64, JsonArray? DiffRegions);

internal sealed record Dedup2DSearchResponse(
    bool Success, int TotalMatches, IReadOnlyList<Dedup2DMatchItem> Duplicates, IReadOnlyList<Dedup2DMatchItem> Similar,
    int FinalLevel, JsonObject Timing, JsonObject LevelStats, IReadOnlyList<string> Warnings, JsonNode? Error);

internal sealed record Dedup2DSearchAsyncResponse(string JobId, string Status, string PollUrl, string? ForcedAsyncReason);

internal sealed record Dedup2DSearchJobResponse(
    string JobId, string TenantId, string Status, double CreatedAt, double? StartedAt, double? FinishedAt,
    JsonObject? Result, string? Error, string? CallbackStatus, int? CallbackAttempts, int? CallbackHttpStatus,
    double? CallbackFinishedAt, string? CallbackLastError, string Kind, int Progress);

internal sealed record Dedup2DJobSummary(string JobId, string TenantId, string Status, double CreatedAt, double? StartedAt,
    double? FinishedAt, string? Error);

internal sealed record Dedup2DJobListResponse(IReadOnlyList<Dedup2DJobSummary> Jobs, int Total);

internal sealed record Dedup2DCancelResponse(string JobId, string TenantId, bool Canceled);
