using System.Text.Json;
using System.Text.Json.Nodes;

namespace Boomerang.Server.Dedup2D.Precision;

/// <summary>How alike two entity lists are: by optimal assignment, by geometry hashes, or by bag and layout.</summary>
internal static class EntityMatching
{
    /// <summary>Per entity type the assignment is exact; above this many entities of one type it falls back to a greedy match.</summary>
    public const int MaxAssignmentSize = 400;

    /// <summary>Sum of the matched pairs' similarity over the larger list, pairs found by the Hungarian algorithm per type.</summary>
    public static double Assignment(IReadOnlyList<JsonObject> left, IReadOnlyList<JsonObject> right, int maxEntities = int.MaxValue)
    {
        if (left.Count == 0 && right.Count == 0)
        {
            return 1.0;
        }
        left = left.Take(maxEntities).ToList();
        right = right.Take(maxEntities).ToList();
        var scale = Extent(left.Concat(right));
        double matched = 0;
        foreach (var type in left.Select(TypeOf).Union(right.Select(TypeOf)).Distinct())
        {
            var l = left.Where(e => TypeOf(e) == type).ToList();
            var r = right.Where(e => TypeOf(e) == type).ToList();
            if (l.Count == 0 || r.Count == 0)
            {
                continue;
            }
            var sim = new double[l.Count, r.Count];
            var fl = l.Select(Features).ToList();
            var fr = r.Select(Features).ToList();
            for (var i = 0; i < l.Count; i++)
            {
                for (var j = 0; j < r.Count; j++)
                {
                    sim[i, j] = Similarity(fl[i], fr[j], scale);
                }
            }
            matched += Math.Max(l.Count, r.Count) <= MaxAssignmentSize ? SumAssigned(sim) : SumGreedy(sim);
        }
        return Math.Clamp(matched / Math.Max(left.Count, right.Count), 0, 1);
    }

    /// <summary>Multiset Jaccard of per-entity geometry hashes (type + rounded geometry relative to the drawing's extent).</summary>
    public static double GeomHashes(IReadOnlyList<JsonObject> left, IReadOnlyList<JsonObject> right)
    {
        if (left.Count == 0 && right.Count == 0)
        {
            return 1.0;
        }
        var l = Bag(left.Select(e => EntityHash(e, Extent(left))));
        var r = Bag(right.Select(e => EntityHash(e, Extent(right))));
        return Jaccard(l, r);
    }

    /// <summary>What the entities are (type counts) and where they sit (an 8×8 occupancy grid of their centres), averaged.</summary>
    public static double BagAndLayout(IReadOnlyList<JsonObject> left, IReadOnlyList<JsonObject> right)
    {
        if (left.Count == 0 && right.Count == 0)
        {
            return 1.0;
        }
        var bag = Jaccard(Bag(left.Select(TypeOf)), Bag(right.Select(TypeOf)));
        var layout = Jaccard(Bag(Grid(left)), Bag(Grid(right)));
        return 0.5 * bag + 0.5 * layout;
    }

    public static string TypeOf(JsonObject e) =>
        e["type"] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : "?";

    private static double SumAssigned(double[,] sim)
    {
        var assignment = Hungarian.MaximiseAssignment(sim);
        double total = 0;
        for (var i = 0; i < assignment.Length; i++)
        {
            if (assignment[i] >= 0)
            {
                total += sim[i, assignment[i]];
            }
        }
        return total;
    }

    private static double SumGreedy(double[,] sim)
    {
        var pairs = new List<(double S, int I, int J)>();
        for (var i = 0; i < sim.GetLength(0); i++)
        {
            for (var j = 0; j < sim.GetLength(1); j++)
            {
                pairs.Add((sim[i, j], i, j));
            }
        }
        var usedI = new HashSet<int>();
        var usedJ = new HashSet<int>();
        double total = 0;
        foreach (var (s, i, j) in pairs.OrderByDescending(p => p.S))
        {
            if (usedI.Add(i))
            {
                if (usedJ.Add(j))
                {
                    total += s;
                }
                else
                {
                    usedI.Remove(i);
                }
            }
        }
        return total;
    }

    // Numeric leaves (by path) and string leaves of an entity, without its type.
    private static Dictionary<string, JsonNode?> Features(JsonObject e) =>
        JsonDiff.Flatten(e).Where(p => p.Key != "type" && p.Key != "handle" && p.Key != "id")
            .ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);

    private static double Similarity(Dictionary<string, JsonNode?> a, Dictionary<string, JsonNode?> b, double scale)
    {
        var keys = a.Keys.Union(b.Keys).ToList();
        if (keys.Count == 0)
        {
            return 1.0;
        }
        double sum = 0;
        var tolerance = Math.Max(1e-6, scale * 0.01);
        foreach (var key in keys)
        {
            if (!a.TryGetValue(key, out var x) || !b.TryGetValue(key, out var y))
            {
                continue;
            }
            if (JsonDiff.Number(x) is { } nx && JsonDiff.Number(y) is { } ny)
            {
                sum += Math.Exp(-Math.Abs(nx - ny) / tolerance);
            }
            else if (string.Equals(x?.ToJsonString(), y?.ToJsonString(), StringComparison.OrdinalIgnoreCase))
            {
                sum += 1;
            }
        }
        return sum / keys.Count;
    }

    private static double Extent(IEnumerable<JsonObject> entities)
    {
        var max = 0.0;
        foreach (var e in entities)
        {
            foreach (var value in JsonDiff.Flatten(e).Values)
            {
                if (value is JsonValue v && v.GetValueKind() == JsonValueKind.Number)
                {
                    max = Math.Max(max, Math.Abs(JsonDiff.AsDouble(v)));
                }
            }
        }
        return max <= 0 ? 1 : max;
    }

    private static string EntityHash(JsonObject e, double scale)
    {
        var parts = Features(e).OrderBy(p => p.Key, StringComparer.Ordinal).Select(p =>
            JsonDiff.Number(p.Value) is { } n ? $"{p.Key}={Math.Round(n / scale, 3)}" : $"{p.Key}={p.Value?.ToJsonString().ToLowerInvariant()}");
        return TypeOf(e) + "|" + string.Join(";", parts);
    }

    private static IEnumerable<string> Grid(IReadOnlyList<JsonObject> entities)
    {
        var centres = entities.Select(Centre).Where(c => c is not null).Select(c => c!.Value).ToList();
        if (centres.Count == 0)
        {
            return [];
        }
        var (minX, maxX) = (centres.Min(c => c.X), centres.Max(c => c.X));
        var (minY, maxY) = (centres.Min(c => c.Y), centres.Max(c => c.Y));
        var w = Math.Max(maxX - minX, 1e-9);
        var h = Math.Max(maxY - minY, 1e-9);
        return centres.Select(c => $"{(int)Math.Min(7, (c.X - minX) / w * 8)},{(int)Math.Min(7, (c.Y - minY) / h * 8)}");
    }

    // The mean of an entity's x-like and y-like numbers (…x / …[0] and …y / …[1]).
    private static (double X, double Y)? Centre(JsonObject e)
    {
        var xs = new List<double>();
        var ys = new List<double>();
        foreach (var (path, value) in JsonDiff.Flatten(e))
        {
            if (value is not JsonValue v || v.GetValueKind() != JsonValueKind.Number)
            {
                continue;
            }
            var d = JsonDiff.AsDouble(v);
            if (path.EndsWith('x') || path.EndsWith("[0]", StringComparison.Ordinal)) { xs.Add(d); }
            else if (path.EndsWith('y') || path.EndsWith("[1]", StringComparison.Ordinal)) { ys.Add(d); }
        }
        return xs.Count > 0 && ys.Count > 0 ? (xs.Average(), ys.Average()) : null;
    }

    private static Dictionary<string, int> Bag(IEnumerable<string> items)
    {
        var bag = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            bag[item] = bag.GetValueOrDefault(item) + 1;
        }
        return bag;
    }

    private static double Jaccard(Dictionary<string, int> a, Dictionary<string, int> b)
    {
        var keys = a.Keys.Union(b.Keys).ToList();
        if (keys.Count == 0)
        {
            return 1.0;
        }
        double inter = 0, union = 0;
        foreach (var k in keys)
        {
            var x = a.GetValueOrDefault(k);
            var y = b.GetValueOrDefault(k);
            inter += Math.Min(x, y);
            union += Math.Max(x, y);
        }
        return inter / union;
    }
}
