using System.Text.Json.Nodes;

namespace Boomerang.Server.Dedup2D.Search;

/// <summary>The preset table (reference §5.1).</summary>
internal static class Presets
{
    public static readonly IReadOnlyDictionary<string, IReadOnlyDictionary<string, object>> All =
        new Dictionary<string, IReadOnlyDictionary<string, object>>
        {
            ["strict"] = Row("balanced", "strict", 20, 0.95, 0.80, 0.3, 0.7, "off"),
            ["version"] = Row("balanced", "version", 50, 0.95, 0.70, 0.5, 0.5, "auto"),
            ["loose"] = Row("balanced", "version", 50, 0.90, 0.50, 0.6, 0.4, "off"),
        };

    public static JsonObject ToJson() => new(All.Select(p => KeyValuePair.Create(p.Key,
        (JsonNode?)new JsonObject(p.Value.Select(v => KeyValuePair.Create(v.Key, (JsonNode?)JsonValue.Create(v.Value)))))));

    /// <summary>Trimmed, lower-cased; null for empty.</summary>
    public static string? Normalize(string? name) => string.IsNullOrWhiteSpace(name) ? null : name.Trim().ToLowerInvariant();

    private static Dictionary<string, object> Row(string mode, string profile, int topN, double dup, double sim, double vw, double gw, string gate) => new()
    {
        ["mode"] = mode,
        ["precision_profile"] = profile,
        ["precision_top_n"] = topN,
        ["duplicate_threshold"] = dup,
        ["similar_threshold"] = sim,
        ["precision_visual_weight"] = vw,
        ["precision_geom_weight"] = gw,
        ["version_gate"] = gate,
    };
}
