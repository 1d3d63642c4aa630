using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Boomerang.Drawing.Decoding;
using Boomerang.Drawing.Features;
using Boomerang.Drawing.Indexing;

namespace Boomerang.Drawing.Search;

/// <summary>The built-in engine's search over per-tenant indexes, answering in the dedupcad-vision search contract:
/// L1 recall through the multi-index hash tables, L2 re-ranking of the closest L1 candidates (and, in <c>precise</c>
/// mode, an L2 scan that recalls what L1 missed), buckets by threshold, and optional diffs for the top matches.</summary>
public sealed class DrawingSearchEngine
{
    /// <summary>How many top matches get a diff image when <c>compute_diff</c> is on.</summary>
    public const int DiffTopN = 3;

    private readonly ConcurrentDictionary<string, TenantIndex> _tenants = new(StringComparer.Ordinal);

    /// <summary>The tenant's index (created empty on first use).</summary>
    public TenantIndex Tenant(string tenantId) => _tenants.GetOrAdd(tenantId, _ => new TenantIndex());

    /// <summary>Indexed drawings per tenant.</summary>
    public IReadOnlyDictionary<string, int> Sizes() => _tenants.ToDictionary(t => t.Key, t => t.Value.Count);

    /// <summary>Runs a search; <paramref name="loadImage"/> supplies a candidate's raster for diffs (null: no diffs).</summary>
    public JsonObject Search(string tenantId, SearchRequest req, Func<IndexedDrawing, GrayImage?>? loadImage = null)
    {
        var total = Stopwatch.StartNew();
        var index = Tenant(tenantId);
        var mode = req.Mode.ToLowerInvariant();
        var useL2 = mode is "balanced" or "precise";

        // L1
        var l1Watch = Stopwatch.StartNew();
        List<(IndexedDrawing Drawing, int PHashDistance, int DHashDistance)> recalled = [];
        var radius = 0;
        foreach (var step in Scoring.L1RadiusSteps)
        {
            radius = step;
            recalled = index.Recall(req.Features, step);
            if (recalled.Count >= Scoring.L2Candidates) break;
        }
        if (req.ExcludeSelf) recalled.RemoveAll(r => r.Drawing.FileHash == req.FileHash);
        recalled.Sort((a, b) => (a.PHashDistance + a.DHashDistance).CompareTo(b.PHashDistance + b.DHashDistance));
        var l1Passed = recalled.Count;
        var l1Ms = l1Watch.Elapsed.TotalMilliseconds;

        var scored = new List<Scored>();
        double l2Ms = 0;
        int l2Passed = 0, l2Filtered = 0;
        if (!useL2)
        {
            foreach (var (d, p, h) in recalled)
                scored.Add(new Scored(d, p, h, null, null, Scoring.L1Similarity(p, h), 1));
        }
        else
        {
            var l2Watch = Stopwatch.StartNew();
            var pool = recalled.Take(Scoring.L2Candidates).ToList();
            if (mode == "precise")
            {
                // L2 over every drawing, so what L1's radius missed is still found.
                var inPool = pool.Select(p => p.Drawing.FileHash).ToHashSet(StringComparer.Ordinal);
                foreach (var d in index.Snapshot())
                {
                    if (inPool.Contains(d.FileHash) || (req.ExcludeSelf && d.FileHash == req.FileHash)) continue;
                    pool.Add((d, System.Numerics.BitOperations.PopCount(d.Features.PHash ^ req.Features.PHash),
                        System.Numerics.BitOperations.PopCount(d.Features.DHash ^ req.Features.DHash)));
                }
            }
            foreach (var (d, p, h) in pool)
            {
                var overlap = FeatureExtractor.OverlapSimilarity(req.Features.Descriptor, d.Features.Descriptor);
                var descriptor = FeatureExtractor.DescriptorSimilarity(req.Features.Descriptor, d.Features.Descriptor);
                var similarity = Scoring.L2Similarity(Scoring.L2Raw(overlap, descriptor));
                if (similarity >= req.SimilarThreshold) l2Passed++; else l2Filtered++;
                scored.Add(new Scored(d, p, h, overlap, descriptor, similarity, 2));
            }
            l2Ms = l2Watch.Elapsed.TotalMilliseconds;
        }

        var max = Math.Max(1, req.MaxResults);
        var ranked = scored.Where(s => s.Similarity >= req.SimilarThreshold).OrderByDescending(s => s.Similarity).ToList();
        var duplicates = ranked.Where(s => s.Similarity >= req.DuplicateThreshold).Take(max).ToList();
        var similar = ranked.Where(s => s.Similarity < req.DuplicateThreshold).Take(max).ToList();

        var diffs = new Dictionary<string, (byte[], IReadOnlyList<DiffRegion>)>(StringComparer.Ordinal);
        var diffWatch = Stopwatch.StartNew();
        if (req.ComputeDiff && req.Image is not null && loadImage is not null)
            foreach (var s in duplicates.Concat(similar).Take(DiffTopN))
                if (loadImage(s.Drawing) is { } candidateImage)
                    diffs[s.Drawing.FileHash] = DrawingDiff.Compute(req.Image, candidateImage);
        var diffMs = diffWatch.Elapsed.TotalMilliseconds;

        var finalLevel = useL2 ? 2 : 1;
        var levelStats = new JsonObject
        {
            ["l1"] = new JsonObject { ["passed"] = l1Passed, ["filtered"] = Math.Max(0, index.Count - l1Passed), ["time_ms"] = Round(l1Ms), ["radius"] = radius },
        };
        if (useL2) levelStats["l2"] = new JsonObject { ["passed"] = l2Passed, ["filtered"] = l2Filtered, ["time_ms"] = Round(l2Ms) };
        var totalMs = total.Elapsed.TotalMilliseconds + req.DecodeMilliseconds;
        return new JsonObject
        {
            ["success"] = true,
            ["total_matches"] = duplicates.Count + similar.Count,
            ["duplicates"] = new JsonArray([.. duplicates.Select(s => (JsonNode)Item(s, "duplicate", diffs))]),
            ["similar"] = new JsonArray([.. similar.Select(s => (JsonNode)Item(s, "similar", diffs))]),
            ["final_level"] = finalLevel,
            ["timing"] = new JsonObject
            {
                ["total_ms"] = Round(totalMs), ["l1_ms"] = Round(l1Ms), ["l2_ms"] = Round(l2Ms), ["l3_ms"] = 0.0, ["l4_ms"] = 0.0,
                ["decode_ms"] = Round(req.DecodeMilliseconds), ["diff_ms"] = Round(diffMs),
            },
            ["level_stats"] = levelStats,
            ["warnings"] = new JsonArray(),
            ["error"] = null,
        };
    }

    private static JsonObject Item(Scored s, string verdict, Dictionary<string, (byte[] Png, IReadOnlyList<DiffRegion> Regions)> diffs)
    {
        var levels = new JsonObject
        {
            ["l1"] = new JsonObject
            {
                ["phash"] = Round4(1 - s.PHashDistance / 64.0), ["dhash"] = Round4(1 - s.DHashDistance / 64.0),
                ["phash_distance"] = s.PHashDistance, ["dhash_distance"] = s.DHashDistance,
            },
        };
        if (s.Overlap is { } o && s.Descriptor is { } d)
            levels["l2"] = new JsonObject { ["descriptor"] = Round4(d), ["overlap"] = Round4(o) };
        var item = new JsonObject
        {
            ["drawing_id"] = s.Drawing.DrawingId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["file_hash"] = s.Drawing.FileHash,
            ["file_name"] = s.Drawing.FileName,
            ["similarity"] = Round4(s.Similarity),
            ["confidence"] = Round4(Confidence(s)),
            ["match_level"] = s.Level,
            ["verdict"] = verdict,
            ["levels"] = levels,
        };
        if (diffs.TryGetValue(s.Drawing.FileHash, out var diff))
        {
            item["diff_image_base64"] = Convert.ToBase64String(diff.Png);
            item["diff_regions"] = new JsonArray([.. diff.Regions.Select(r => (JsonNode)new JsonObject
            {
                ["x"] = r.X, ["y"] = r.Y, ["width"] = r.Width, ["height"] = r.Height,
                ["query_only_pixels"] = r.QueryOnlyPixels, ["candidate_only_pixels"] = r.CandidateOnlyPixels,
            })]);
        }
        return item;
    }

    // How far the score sits from the nearest bucket boundary, scaled: 1 at the extremes, ~0.5 on a threshold.
    private static double Confidence(Scored s)
    {
        var sim = s.Similarity;
        var distance = sim >= 0.95 ? (sim - 0.95) / 0.05 : Math.Min(sim - 0.80, 0.95 - sim) / 0.075;
        return Math.Clamp(0.5 + 0.5 * distance, 0, 1);
    }

    private static double Round(double ms) => Math.Round(ms, 3);
    private static double Round4(double v) => Math.Round(v, 4);

    private sealed record Scored(IndexedDrawing Drawing, int PHashDistance, int DHashDistance, double? Overlap, double? Descriptor,
        double Similarity, int Level);
}
