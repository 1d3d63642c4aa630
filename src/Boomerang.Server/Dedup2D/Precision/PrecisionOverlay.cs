using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Boomerang.Server.Dedup2D.Search;

namespace Boomerang.Server.Dedup2D.Precision;

/// <summary>
/// The L4 precision overlay (reference §8.3): verify the top visual candidates against their stored geometry, fuse the
/// scores, down-weight the unverified, re-bucket by the thresholds. Errors a caller caused are <see cref="ArgumentException"/>.
/// </summary>
internal sealed class PrecisionOverlay(GeometryScorer scorer)
{
    public async Task<JsonObject> ApplyAsync(JsonObject response, JsonObject queryGeom, string queryFileName, SearchParameters p,
        Func<string, CancellationToken, Task<JsonObject?>> loadGeometry, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var topN = p.PrecisionTopN <= 0 ? 1 : p.PrecisionTopN;
        if (p.PrecisionVisualWeight < 0 || p.PrecisionGeomWeight < 0)
        {
            throw new ArgumentException("weights must be >= 0");
        }
        if (p.PrecisionVisualWeight + p.PrecisionGeomWeight <= 0)
        {
            throw new ArgumentException("weights sum must be > 0");
        }
        var vw = p.PrecisionVisualWeight / (p.PrecisionVisualWeight + p.PrecisionGeomWeight);
        var gw = 1 - vw;

        var matches = Items(response, "duplicates").Concat(Items(response, "similar")).ToList();
        if (matches.Count == 0)
        {
            return response;
        }
        var profile = (p.PrecisionProfile ?? "strict").Trim().ToLowerInvariant();
        var gate = (p.VersionGate ?? "off").Trim().ToLowerInvariant();
        if (gate.Length == 0)
        {
            gate = "off";
        }
        if (!VersionGate.Modes.Contains(gate))
        {
            throw new ArgumentException($"Invalid version_gate: {p.VersionGate}");
        }
        string? gateMode = null, queryKey = null;
        if (profile == "version" && gate != "off")
        {
            var meta = VersionGate.MetaKey(queryGeom);
            var file = VersionGate.FileKey(queryFileName);
            (gateMode, queryKey) = gate switch
            {
                "meta" => meta is null ? (null, null) : ("meta", meta),
                "file_name" => file is null ? (null, null) : ("file_name", file),
                _ => meta is not null ? ("meta", meta) : file is not null ? ("file_name", file) : (null, null),
            };
        }
        if (!(0 <= p.SimilarThreshold && p.SimilarThreshold <= p.DuplicateThreshold && p.DuplicateThreshold <= 1))
        {
            throw new ArgumentException("invalid thresholds: require 0 <= similar_threshold <= duplicate_threshold <= 1");
        }

        var sorted = matches.OrderByDescending(m => Number(m["similarity"]) ?? 0).ToList(); // OrderBy is stable
        var diffBudget = Math.Max(0, p.PrecisionDiffTopN);
        var maxPaths = p.PrecisionDiffMaxPaths > 0 ? p.PrecisionDiffMaxPaths : 200;
        int verified = 0, missing = 0, gatedOut = 0;
        var verifiedHashes = new HashSet<string>(StringComparer.Ordinal);
        var handled = new HashSet<JsonObject>(ReferenceEqualityComparer.Instance);
        foreach (var match in sorted.Take(Math.Max(1, topN)))
        {
            ct.ThrowIfCancellationRequested();
            var hash = match["file_hash"]?.GetValueKind() == JsonValueKind.String ? match["file_hash"]!.GetValue<string>() : "";
            if (hash.Length == 0)
            {
                continue;
            }
            if (gateMode == "file_name" && VersionGate.FileKey(Text(match["file_name"])) is { } fileKey && fileKey != queryKey)
            {
                Gate(match, gateMode, queryKey!, fileKey);
                gatedOut++;
                handled.Add(match);
                continue;
            }
            var candidate = await loadGeometry(hash, ct).ConfigureAwait(false);
            if (candidate is null)
            {
                missing++;
                continue;
            }
            if (gateMode == "meta" && VersionGate.MetaKey(candidate) is { } metaKey && metaKey != queryKey)
            {
                Gate(match, gateMode, queryKey!, metaKey);
                gatedOut++;
                handled.Add(match);
                continue;
            }
            var score = scorer.Score(queryGeom, candidate, p.PrecisionProfile);
            var visual = Number(match["similarity"]) ?? 0;
            var breakdown = new JsonObject(score.Breakdown.Select(b => KeyValuePair.Create(b.Key, (JsonNode?)b.Value)));
            match["visual_similarity"] = visual;
            match["precision_score"] = score.Score;
            match["precision_breakdown"] = breakdown;
            match["similarity"] = vw * visual + gw * score.Score;
            var levels = match["levels"] as JsonObject ?? new JsonObject();
            match["levels"] = levels;
            var l4 = new JsonObject
            {
                ["precision_score"] = score.Score,
                ["precision_breakdown"] = breakdown.DeepClone(),
                ["precision_profile"] = string.IsNullOrWhiteSpace(p.PrecisionProfile) ? "strict" : p.PrecisionProfile,
                ["geom_hash_left"] = score.GeomHashLeft,
                ["geom_hash_right"] = score.GeomHashRight,
            };
            levels["l4"] = l4;
            if (p.PrecisionComputeDiff && diffBudget > 0)
            {
                try
                {
                    var (diff, similarity) = JsonDiff.Compare(DiffView(queryGeom), DiffView(candidate), maxPaths);
                    match["precision_diff"] = diff;
                    match["precision_diff_similarity"] = similarity;
                    l4["precision_diff"] = diff.DeepClone();
                    l4["precision_diff_similarity"] = similarity;
                }
                catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException)
                {
                    match["precision_diff"] = new JsonObject { ["meta"] = new JsonObject { ["error"] = e.Message } };
                    match["precision_diff_similarity"] = null;
                }
                diffBudget--;
            }
            match["match_level"] = Math.Max((int)(Number(match["match_level"]) ?? 0), 4);
            verified++;
            verifiedHashes.Add(hash);
            handled.Add(match);
        }

        foreach (var match in matches)
        {
            if (handled.Contains(match) || match["precision_score"] is not null)
            {
                continue;
            }
            var hash = Text(match["file_hash"]);
            if (hash is not null && verifiedHashes.Contains(hash))
            {
                continue; // the seed keeps a duplicate of a verified hash at its raw score; so do we (quirk kept)
            }
            var current = Number(match["similarity"]) ?? 0;
            match["visual_similarity"] = Number(match["visual_similarity"]) ?? current;
            match["similarity"] = vw * current;
        }

        var duplicates = new List<JsonObject>();
        var similar = new List<JsonObject>();
        foreach (var match in matches)
        {
            var s = Number(match["similarity"]) ?? 0;
            if (s >= p.DuplicateThreshold)
            {
                match["verdict"] = "duplicate";
                duplicates.Add(match);
            }
            else if (s >= p.SimilarThreshold)
            {
                match["verdict"] = "similar";
                similar.Add(match);
            }
            else
            {
                match["verdict"] = "different";
            }
        }
        var maxResults = Math.Max(0, p.MaxResults);
        response["duplicates"] = Bucket(duplicates, maxResults);
        response["similar"] = Bucket(similar, maxResults);
        response["total_matches"] = ((JsonArray)response["duplicates"]!).Count + ((JsonArray)response["similar"]!).Count;
        if (verified > 0)
        {
            response["final_level"] = Math.Max((int)(Number(response["final_level"]) ?? 0), 4);
        }
        var warnings = response["warnings"] as JsonArray ?? new JsonArray();
        response["warnings"] = warnings;
        if (missing > 0) { warnings.Add($"precision_missing_geom_json:{missing}"); }
        if (gatedOut > 0) { warnings.Add($"precision_version_gate_filtered:{gatedOut}"); }
        if (verified > 0) { warnings.Add($"precision_verified:{verified}"); }

        var elapsed = clock.Elapsed.TotalMilliseconds;
        var timing = response["timing"] as JsonObject ?? new JsonObject();
        response["timing"] = timing;
        timing["precision_ms"] = elapsed;
        timing["l4_ms"] = (Number(timing["l4_ms"]) ?? 0) + elapsed;
        timing["total_ms"] = (Number(timing["total_ms"]) ?? 0) + elapsed;
        return response;
    }

    private static void Gate(JsonObject match, string mode, string queryKey, string candidateKey)
    {
        match["similarity"] = 0.0;
        match["verdict"] = "different";
        var levels = match["levels"] as JsonObject ?? new JsonObject();
        match["levels"] = levels;
        var l4 = levels["l4"] as JsonObject ?? new JsonObject();
        levels["l4"] = l4;
        l4["version_gate"] = new JsonObject { ["mode"] = mode, ["query_key"] = queryKey, ["candidate_key"] = candidateKey, ["match"] = false };
    }

    private static JsonArray Bucket(List<JsonObject> items, int max)
    {
        var kept = items.OrderByDescending(m => Number(m["similarity"]) ?? 0).Take(max).ToList();
        foreach (var item in kept)
        {
            item.Parent?.AsArray().Remove(item);
        }
        return new JsonArray(kept.Select(i => (JsonNode?)i).ToArray());
    }

    private static JsonObject DiffView(JsonObject v2)
    {
        var view = new JsonObject();
        foreach (var key in new[] { "layers", "blocks", "dimensions", "hatches", "text_content" })
        {
            if (v2[key] is { } value)
            {
                view[key] = value.DeepClone();
            }
        }
        return view;
    }

    private static IEnumerable<JsonObject> Items(JsonObject response, string key) =>
        (response[key] as JsonArray)?.OfType<JsonObject>().ToList() ?? [];

    private static string? Text(JsonNode? node) => node?.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : null;

    internal static double? Number(JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.Number ? JsonDiff.AsDouble(v) : null;
}
