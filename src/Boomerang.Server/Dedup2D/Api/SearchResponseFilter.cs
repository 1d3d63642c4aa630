using System.Text.Json;
using System.Text.Json.Nodes;

namespace Boomerang.Server.Dedup2D.Api;

/// <summary>
/// What the seed's response model lets through (reference §4): known top-level keys with their defaults, and per match
/// the MatchItem fields. The webhook carries the raw result instead, as in the seed.
/// </summary>
internal static class SearchResponseFilter
{
    private static readonly string[] MatchFields =
    [
        "drawing_id", "file_hash", "file_name", "similarity", "confidence", "match_level", "verdict", "levels",
        "fine_part_type", "coarse_part_type", "decision_source", "is_coarse_label", "visual_similarity", "precision_score",
        "precision_breakdown", "precision_diff_similarity", "precision_diff", "diff_image_base64", "diff_regions",
    ];

    public static JsonObject Filter(JsonObject raw) => new()
    {
        ["success"] = raw["success"]?.GetValueKind() == JsonValueKind.True,
        ["total_matches"] = raw["total_matches"]?.DeepClone() ?? 0,
        ["duplicates"] = Matches(raw["duplicates"]),
        ["similar"] = Matches(raw["similar"]),
        ["final_level"] = raw["final_level"]?.DeepClone() ?? 0,
        ["timing"] = raw["timing"] as JsonObject is { } t ? t.DeepClone() : new JsonObject(),
        ["level_stats"] = raw["level_stats"] as JsonObject is { } s ? s.DeepClone() : new JsonObject(),
        ["warnings"] = raw["warnings"] as JsonArray is { } w ? w.DeepClone() : new JsonArray(),
        ["error"] = raw["error"]?.DeepClone(),
    };

    private static JsonArray Matches(JsonNode? list) => new((list as JsonArray ?? []).OfType<JsonObject>().Select(m =>
    {
        var item = new JsonObject();
        foreach (var field in MatchFields)
        {
            item[field] = m[field]?.DeepClone();
        }
        item["levels"] ??= new JsonObject();
        return (JsonNode?)item;
    }).ToArray());
}
