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

        var max = Math.Max(1, req.MaxResults);
        var scored = new List<Scored>();
        int l1Passed, l2Passed = 0, l2Filtered = 0, radius = 0, touched = 0, indexed;
        double l1Ms, l2Ms = 0;
        List<Scored> duplicates, similar;
        using (index.Read())
        {
            indexed = index.LiveCount;
            // L1: widen the radius until enough candidates, recalling through the multi-index tables.
            var l1Watch = Stopwatch.StartNew();
            var hits = new List<L1Hit>();
            foreach (var step in Scoring.L1RadiusSteps)
            {
                radius = step;
                hits.Clear();
                touched += index.RecallSlots(req.Features.PHash, req.Features.DHash, step, hits);
                if (hits.Count >= Scoring.L2Candidates) break;
            }
            var self = req.ExcludeSelf ? index.SlotOf(req.FileHash) : -1;
            if (self >= 0) hits.RemoveAll(h => h.Slot == self);
            l1Passed = hits.Count;
            // fast mode ranks by L1 alone: every L1 duplicate plus `max` more can reach the answer.
            var pool = Closest(hits, useL2 ? Scoring.L2Candidates
                : hits.Count(h => Scoring.L1Similarity(h.PHashDistance, h.DHashDistance) >= req.DuplicateThreshold) + max);
            l1Ms = l1Watch.Elapsed.TotalMilliseconds;

            if (!useL2)
            {
                foreach (var h in pool)
                    scored.Add(new Scored(h.Slot, h.PHashDistance, h.DHashDistance, null, null, Scoring.L1Similarity(h.PHashDistance, h.DHashDistance), 1));
            }
            else
            {
                var l2Watch = Stopwatch.StartNew();
                var template = new ulong[DrawingFeatures.InkMapSide];
                index.Template(template);
                var query = req.Features.Descriptor;
                void Score(L1Hit h)
                {
                    var candidate = index.DescriptorAt(h.Slot);
                    var overlap = FeatureExtractor.OverlapSimilarity(query, candidate, template, 1);
                    var strict = FeatureExtractor.OverlapSimilarity(query, candidate, template, 0);
                    var similarity = Scoring.L2Similarity(Scoring.L2Raw(overlap, strict));
                    if (similarity >= req.SimilarThreshold) l2Passed++; else l2Filtered++;
                    scored.Add(new Scored(h.Slot, h.PHashDistance, h.DHashDistance, overlap, strict, similarity, 2)
                        { Descriptor = FeatureExtractor.DescriptorSimilarity(query, candidate) });
                }
                foreach (var h in pool) Score(h);
                if (mode == "precise")
                {
                    // L2 over every drawing, so what L1's radius missed is still found.
                    var inPool = pool.Select(h => h.Slot).ToHashSet();
                    for (var s = 0; s < index.Slots; s++)
                        if (index.IsLive(s) && s != self && !inPool.Contains(s))
                            Score(new L1Hit(s, System.Numerics.BitOperations.PopCount(index.PHashAt(s) ^ req.Features.PHash),
                                System.Numerics.BitOperations.PopCount(index.DHashAt(s) ^ req.Features.DHash)));
                }
                l2Ms = l2Watch.Elapsed.TotalMilliseconds;
            }

            var ranked = scored.Where(s => s.Similarity >= req.SimilarThreshold).OrderByDescending(s => s.Similarity).ToList();
            duplicates = ranked.Where(s => s.Similarity >= req.DuplicateThreshold).Take(max).ToList();
            similar = ranked.Where(s => s.Similarity < req.DuplicateThreshold).Take(max).ToList();
            foreach (var s in duplicates.Concat(similar)) s.Drawing = index.Materialise(s.Slot);
        }

        var diffs = new Dictionary<string, (byte[], IReadOnlyList<DiffRegion>)>(StringComparer.Ordinal);
        var diffWatch = Stopwatch.StartNew();
        if (req.ComputeDiff && req.Image is not null && loadImage is not null)
            foreach (var s in duplicates.Concat(similar).Take(DiffTopN))
                if (loadImage(s.Drawing!) is { } candidateImage)
                    diffs[s.Drawing!.FileHash] = DrawingDiff.Compute(req.Image, candidateImage);
        var diffMs = diffWatch.Elapsed.TotalMilliseconds;

        var finalLevel = useL2 ? 2 : 1;
        var levelStats = new JsonObject
        {
            ["l1"] = new JsonObject { ["passed"] = l1Passed, ["filtered"] = Math.Max(0, indexed - l1Passed), ["time_ms"] = Round(l1Ms), ["radius"] = radius, ["probed"] = touched },
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
        if (s.Overlap is { } o && s.StrictOverlap is { } so)
            levels["l2"] = new JsonObject { ["descriptor"] = Round4(s.Descriptor), ["overlap"] = Round4(o), ["strict_overlap"] = Round4(so) };
        var item = new JsonObject
        {
            ["drawing_id"] = s.Drawing!.DrawingId.ToString(System.Globalization.CultureInfo.InvariantCulture),
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

    // The `count` closest hits by summed Hamming distance (a counting pass over the 129 possible sums, no full sort).
    private static List<L1Hit> Closest(List<L1Hit> hits, int count)
    {
        if (hits.Count > count)
        {
            Span<int> bySum = stackalloc int[129];
            foreach (var h in hits) bySum[h.Sum]++;
            int cutoff = 0, below = 0;
            while (below + bySum[cutoff] < count) below += bySum[cutoff++];
            var room = count - below;
            var kept = new List<L1Hit>(count);
            foreach (var h in hits)
                if (h.Sum < cutoff || (h.Sum == cutoff && room-- > 0)) kept.Add(h);
            hits = kept;
        }
        hits.Sort((a, b) => a.Sum.CompareTo(b.Sum));
        return hits;
    }

    private sealed record Scored(int Slot, int PHashDistance, int DHashDistance, double? Overlap, double? StrictOverlap,
        double Similarity, int Level)
    {
        public IndexedDrawing? Drawing { get; set; }
        public double Descriptor { get; init; }
    }
}
