using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace Boomerang.Server.Dedup2D.Precision;

internal sealed record PrecisionScore(double Score, IReadOnlyDictionary<string, double> Breakdown, string GeomHashLeft, string GeomHashRight);

/// <summary>
/// The v2-geometry scorer (reference §8.4): both sides normalised, one similarity per section, the weighted mean over
/// sections with weight &gt; 0. Profiles: <c>strict</c> (entities by optimal assignment) and <c>version</c> (entities
/// by geometry hashes or bag + layout, at most 32, no blocks, dimensions ≤ 0.1, LEADERs ignored when one side lacks them).
/// </summary>
internal sealed class GeometryScorer(IOptions<Dedup2DOptions> options)
{
    public static readonly IReadOnlyDictionary<string, double> DefaultWeights = new Dictionary<string, double>
    {
        ["entities"] = 1.0, ["layers"] = 0.2, ["dimensions"] = 0.5, ["text"] = 0.3, ["blocks"] = 0.8,
    };

    public PrecisionScore Score(JsonObject left, JsonObject right, string? profile)
    {
        var name = (profile ?? "strict").Trim().ToLowerInvariant();
        if (name.Length == 0)
        {
            name = "strict";
        }
        if (name is not ("strict" or "version"))
        {
            throw new ArgumentException($"Unknown precision profile: {profile}");
        }
        var l = GeometryNormalizer.Normalize(left);
        var r = GeometryNormalizer.Normalize(right);
        var hashLeft = CanonicalJson.Hash(l);
        var hashRight = CanonicalJson.Hash(r);
        if (hashLeft == hashRight)
        {
            // Self-match: identical after normalisation scores exactly 1 in every section.
            var same = ActiveSections(l, r, name).ToDictionary(s => s.Name, _ => 1.0);
            return new PrecisionScore(1.0, same, hashLeft, hashRight);
        }
        var breakdown = new Dictionary<string, double>();
        double weighted = 0, total = 0;
        foreach (var (section, weight) in ActiveSections(l, r, name))
        {
            var s = Math.Clamp(SectionSimilarity(section, l, r, name), 0, 1);
            breakdown[section] = s;
            weighted += weight * s;
            total += weight;
        }
        return new PrecisionScore(total > 0 ? weighted / total : 0, breakdown, hashLeft, hashRight);
    }

    private IEnumerable<(string Name, double Weight)> ActiveSections(JsonObject l, JsonObject r, string profile)
    {
        foreach (var (name, fallback) in DefaultWeights)
        {
            var weight = options.Value.SectionWeights.TryGetValue(name, out var w) ? w : fallback;
            if (profile == "version" && name == "blocks")
            {
                weight = 0;
            }
            if (profile == "version" && name == "dimensions")
            {
                weight = Math.Min(weight, 0.1);
            }
            // Adaptive: a section one side does not have says nothing about similarity.
            var present = name switch
            {
                "dimensions" => NonEmpty(l["dimensions"]) && NonEmpty(r["dimensions"]),
                "text" => NonEmpty(l["text_content"]) && NonEmpty(r["text_content"]),
                "blocks" => BlockHashes(l).Count > 0 && BlockHashes(r).Count > 0,
                _ => true,
            };
            if (weight > 0 && present)
            {
                yield return (name, weight);
            }
        }
    }

    private double SectionSimilarity(string section, JsonObject l, JsonObject r, string profile) => section switch
    {
        "entities" => Entities(Entities(l), Entities(r), profile),
        "layers" => JsonDiff.Similarity(l["layers"], r["layers"]),
        "dimensions" => JsonDiff.Similarity(new JsonObject { ["dimensions"] = l["dimensions"]?.DeepClone() },
            new JsonObject { ["dimensions"] = r["dimensions"]?.DeepClone() }),
        "text" => JsonDiff.Similarity(l["text_content"], r["text_content"]),
        "blocks" => BlockSimilarity(BlockHashes(l), BlockHashes(r)),
        _ => 0,
    };

    private double Entities(List<JsonObject> l, List<JsonObject> r, string profile)
    {
        if (profile == "version")
        {
            if (l.Any(IsLeader) != r.Any(IsLeader))
            {
                l = l.Where(e => !IsLeader(e)).ToList();
                r = r.Where(e => !IsLeader(e)).ToList();
            }
            l = l.Take(32).ToList();
            r = r.Take(32).ToList();
            return Math.Max(EntityMatching.GeomHashes(l, r), EntityMatching.BagAndLayout(l, r));
        }
        var assigned = EntityMatching.Assignment(l, r);
        return options.Value.StrictEntitiesGeomHash ? Math.Max(assigned, EntityMatching.GeomHashes(l, r)) : assigned;
    }

    private static bool IsLeader(JsonObject e) => EntityMatching.TypeOf(e) is "LEADER" or "MULTILEADER";

    private static List<JsonObject> Entities(JsonObject v2) => ((JsonArray)v2["entities"]!).OfType<JsonObject>().ToList();

    private static bool NonEmpty(JsonNode? node) => node is JsonArray { Count: > 0 } or JsonObject { Count: > 0 };

    private static List<string> BlockHashes(JsonObject v2) => Entities(v2)
        .Where(e => EntityMatching.TypeOf(e) == "INSERT" && e["block_hash"] is JsonValue)
        .Select(e => e["block_hash"]!.ToString()).ToList();

    private static double BlockSimilarity(List<string> l, List<string> r)
    {
        var left = l.GroupBy(x => x).ToDictionary(g => g.Key, g => g.Count());
        var right = r.GroupBy(x => x).ToDictionary(g => g.Key, g => g.Count());
        double inter = 0, union = 0;
        foreach (var key in left.Keys.Union(right.Keys))
        {
            inter += Math.Min(left.GetValueOrDefault(key), right.GetValueOrDefault(key));
            union += Math.Max(left.GetValueOrDefault(key), right.GetValueOrDefault(key));
        }
        return union == 0 ? 1 : inter / union;
    }
}
