using System.Text.Json;
using System.Text.Json.Nodes;

namespace Boomerang.Server.Dedup2D.Search;

/// <summary>Applies a preset and the tenant's defaults to the search parameters (reference §5.2).</summary>
internal static class ParameterMerge
{
    public static readonly string[] Tunable =
    [
        "mode", "precision_profile", "version_gate", "precision_top_n", "precision_visual_weight",
        "precision_geom_weight", "duplicate_threshold", "similar_threshold",
    ];

    /// <param name="fromQuery">The parameters as parsed, defaults filled in.</param>
    /// <param name="present">Names present in the query string (by name, whatever the value).</param>
    /// <param name="requestPreset">The query's preset, normalised (null when absent or empty).</param>
    /// <param name="tenant">The tenant's stored config, or empty.</param>
    public static SearchParameters Apply(SearchParameters fromQuery, ISet<string> present, string? requestPreset, JsonObject tenant)
    {
        var values = new Dictionary<string, object?>();
        void Layer(IEnumerable<KeyValuePair<string, object?>> source)
        {
            foreach (var (key, value) in source)
            {
                if (value is not null && Tunable.Contains(key) && !present.Contains(key))
                {
                    values[key] = value;
                }
            }
        }
        var tenantKeys = tenant.Where(p => p.Key != "preset" && p.Value is not null)
            .Select(p => KeyValuePair.Create(p.Key, Plain(p.Value))).ToList();
        if (present.Contains("preset") && requestPreset is not null)
        {
            Layer(tenantKeys);
            Layer(PresetValues(requestPreset));
        }
        else
        {
            if (Presets.Normalize(tenant["preset"]?.GetValueKind() == JsonValueKind.String ? tenant["preset"]!.GetValue<string>() : null) is { } tenantPreset)
            {
                Layer(PresetValues(tenantPreset));
            }
            Layer(tenantKeys);
        }
        var p = fromQuery;
        foreach (var (key, value) in values)
        {
            p = key switch
            {
                "mode" => p with { Mode = Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)! },
                "precision_profile" => p with { PrecisionProfile = Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) },
                "version_gate" => p with { VersionGate = Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) },
                "precision_top_n" => p with { PrecisionTopN = Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture) },
                "precision_visual_weight" => p with { PrecisionVisualWeight = Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture) },
                "precision_geom_weight" => p with { PrecisionGeomWeight = Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture) },
                "duplicate_threshold" => p with { DuplicateThreshold = Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture) },
                "similar_threshold" => p with { SimilarThreshold = Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture) },
                _ => p,
            };
        }
        return p;
    }

    private static IEnumerable<KeyValuePair<string, object?>> PresetValues(string preset) =>
        Presets.All.TryGetValue(preset, out var row) ? row.Select(r => KeyValuePair.Create(r.Key, (object?)r.Value))
            : throw new ArgumentException($"Unknown preset: {preset}");

    private static object? Plain(JsonNode? node) => node is JsonValue v ? v.GetValueKind() switch
    {
        JsonValueKind.String => v.GetValue<string>(),
        JsonValueKind.Number => Precision.JsonDiff.AsDouble(v),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    } : null;
}
