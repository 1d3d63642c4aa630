using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Boomerang.Server.Dedup2D.Precision;

/// <summary>
/// The structural diff of two JSON values (reference §8.5): flattened to path → value, lists under
/// <c>dimensions</c>/<c>hatches</c> compared unordered, strings case-insensitive, numeric strings as numbers.
/// </summary>
internal static class JsonDiff
{
    private static readonly HashSet<string> UnorderedLists = ["dimensions", "hatches"];

    public static (JsonObject Diff, double Similarity) Compare(JsonNode? left, JsonNode? right, int maxPaths)
    {
        var l = Flatten(left);
        var r = Flatten(right);
        var added = r.Keys.Where(k => !l.ContainsKey(k)).Order(StringComparer.Ordinal).ToList();
        var removed = l.Keys.Where(k => !r.ContainsKey(k)).Order(StringComparer.Ordinal).ToList();
        var modified = new List<string>();
        var unchanged = new List<string>();
        foreach (var key in l.Keys.Where(r.ContainsKey).Order(StringComparer.Ordinal))
        {
            (Same(l[key], r[key]) ? unchanged : modified).Add(key);
        }
        var total = added.Count + removed.Count + modified.Count + unchanged.Count;
        var changed = added.Count + removed.Count + modified.Count;
        var similarity = total == 0 ? 1.0 : 1.0 - (double)changed / total;

        var diff = new JsonObject();
        if (maxPaths <= 0)
        {
            maxPaths = 200;
        }
        if (changed > maxPaths)
        {
            var cap = Math.Max(1, maxPaths / 3);
            added = added.Take(cap).ToList();
            removed = removed.Take(cap).ToList();
            modified = modified.Take(Math.Max(0, maxPaths - added.Count - removed.Count)).ToList();
            diff["meta"] = new JsonObject
            {
                ["diff_truncated"] = true,
                ["total_paths"] = changed,
                ["returned_paths"] = added.Count + removed.Count + modified.Count,
            };
        }
        diff["added"] = new JsonArray(added.Select(p => (JsonNode?)p).ToArray());
        diff["removed"] = new JsonArray(removed.Select(p => (JsonNode?)p).ToArray());
        diff["modified"] = new JsonArray(modified.Select(p => (JsonNode?)new JsonObject
        {
            ["path"] = p, ["left"] = l[p]?.DeepClone(), ["right"] = r[p]?.DeepClone(),
        }).ToArray());
        diff["unchanged"] = new JsonArray(unchanged.Select(p => (JsonNode?)p).ToArray());
        return (diff, similarity);
    }

    public static double Similarity(JsonNode? left, JsonNode? right) => Compare(left, right, int.MaxValue).Similarity;

    public static Dictionary<string, JsonNode?> Flatten(JsonNode? node)
    {
        var paths = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        Walk(node, "", false, paths);
        return paths;
    }

    private static void Walk(JsonNode? node, string path, bool unordered, Dictionary<string, JsonNode?> paths)
    {
        switch (node)
        {
            case JsonObject o when o.Count > 0:
                foreach (var (key, value) in o)
                {
                    Walk(value, path.Length == 0 ? key : $"{path}.{key}", UnorderedLists.Contains(key), paths);
                }
                break;
            case JsonArray a when a.Count > 0:
                var items = unordered ? a.OrderBy(CanonicalJson.Text, StringComparer.Ordinal).ToList() : a.ToList();
                for (var i = 0; i < items.Count; i++)
                {
                    Walk(items[i], $"{path}[{i}]", false, paths);
                }
                break;
            default:
                paths[path] = node;
                break;
        }
    }

    private static bool Same(JsonNode? a, JsonNode? b)
    {
        if (Number(a) is { } x && Number(b) is { } y)
        {
            return Math.Abs(x - y) <= 1e-9 * Math.Max(1, Math.Max(Math.Abs(x), Math.Abs(y)));
        }
        if (a is JsonValue va && b is JsonValue vb && va.GetValueKind() == JsonValueKind.String && vb.GetValueKind() == JsonValueKind.String)
        {
            return string.Equals(va.GetValue<string>().Trim(), vb.GetValue<string>().Trim(), StringComparison.OrdinalIgnoreCase);
        }
        return JsonNode.DeepEquals(a, b);
    }

    /// <summary>A JSON number as a double, whatever .NET type backs the node (parsed, int, long, decimal…).</summary>
    internal static double AsDouble(JsonValue v) =>
        v.TryGetValue<double>(out var d) ? d : double.Parse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture);

    internal static double? Number(JsonNode? node) => node is JsonValue v ? v.GetValueKind() switch
    {
        JsonValueKind.Number => AsDouble(v),
        JsonValueKind.String when double.TryParse(v.GetValue<string>().Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
            && double.IsFinite(d) => d,
        _ => null,
    } : null;
}
