using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Boomerang.Drawing.Decoding;
using Boomerang.Drawing.Features;
using Boomerang.Drawing.Indexing;
using Boomerang.Drawing.Search;

namespace Boomerang.DrawingBench;

/// <summary>The quality evaluation: index N synthetic drawings, query one duplicate variant of each (round-robin over
/// the variant types), a revision of every second one and N/2 unrelated drawings, at default thresholds in balanced
/// mode, and print the confusion table per variant with precision and recall.</summary>
internal static class QualityBench
{
    private static readonly Variant[] DupVariants =
        [Variant.DupResolution, Variant.DupJpeg60, Variant.DupShiftScale, Variant.DupLineWeight, Variant.DupScanNoise, Variant.DupPdf];

    public static async Task RunAsync(int n, string mode)
    {
        var watch = Stopwatch.StartNew();
        Console.WriteLine($"quality: {n} indexed drawings, mode {mode}, thresholds duplicate 0.95 / similar 0.80 (raw L2 {Scoring.DuplicateRaw} / {Scoring.SimilarRaw}); " +
                          $"processors {Environment.ProcessorCount}; load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
        // A generous converter timeout: this measures quality, and a loaded machine must not turn a slow pdftoppm into a miss.
        var decoder = new DrawingDecoder(new DrawingLimits { ConverterTimeout = TimeSpan.FromMinutes(5) });
        var engine = new DrawingSearchEngine();
        var tenant = engine.Tenant("eval");
        var bases = new DrawingGen[n];
        Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            var doc = DrawingGenerator.Drawing(10_000 + i);
            bases[i] = new DrawingGen(doc, $"base-{i}");
            tenant.Upsert(new IndexedDrawing(i + 1, $"base-{i}", $"DWG-{10_000 + i}.png", FeatureExtractor.Extract(Variants.Original(doc))));
        });
        Console.WriteLine($"indexed {n} drawings in {watch.Elapsed.TotalSeconds:0.0} s");

        var queries = new List<(Variant Variant, int Base)>();
        for (var i = 0; i < n; i++) queries.Add((DupVariants[i % DupVariants.Length], i));
        for (var i = 0; i < n; i += 2) queries.Add((Variant.Revision, i));
        for (var i = 0; i < n; i += 2) queries.Add((Variant.Unrelated, i));

        var outcomes = new ConcurrentBag<Outcome>();
        await Parallel.ForEachAsync(Enumerable.Range(0, queries.Count), new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, async (q, ct) =>
        {
            var (variant, b) = queries[q];
            var rng = new Random(q);
            GrayImage image;
            switch (variant)
            {
                case Variant.Revision:
                    image = Variants.Original(DrawingGenerator.Revise(bases[b].Doc, 0.05 + 0.10 * rng.NextDouble(), q));
                    break;
                case Variant.Unrelated:
                    image = Variants.Original(DrawingGenerator.Drawing(5_000_000 + b));
                    break;
                default:
                    var (img, bytes) = Variants.Make(variant, bases[b].Doc, rng);
                    image = img ?? (await decoder.DecodeAsync(bytes!, null, ct)).Image;
                    break;
            }
            var result = engine.Search("eval", new SearchRequest(FeatureExtractor.Extract(image), null, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)), Mode: mode));
            outcomes.Add(Judge(variant, bases[b].Hash, result));
        });

        Print(outcomes.ToList(), n, watch.Elapsed);
    }

    private sealed record DrawingGen(Boomerang.Drawing.Dxf.DxfDocument Doc, string Hash);

    private sealed record Outcome(Variant Variant, string Verdict, int WrongMatches, int WrongDuplicates);

    private static Outcome Judge(Variant variant, string baseHash, JsonObject result)
    {
        var dups = result["duplicates"]!.AsArray().Select(m => (string)m!["file_hash"]!).ToList();
        var sims = result["similar"]!.AsArray().Select(m => (string)m!["file_hash"]!).ToList();
        var expectBase = variant != Variant.Unrelated;
        var verdict = expectBase && dups.Contains(baseHash) ? "duplicate" : expectBase && sims.Contains(baseHash) ? "similar" : "none";
        var wrongDup = dups.Count(h => !expectBase || h != baseHash);
        var wrong = wrongDup + sims.Count(h => !expectBase || h != baseHash);
        return new Outcome(variant, verdict, wrong, wrongDup);
    }

    private static void Print(List<Outcome> outcomes, int n, TimeSpan elapsed)
    {
        Console.WriteLine();
        Console.WriteLine($"{"variant",-16} {"queries",8} {"base=dup",9} {"base=sim",9} {"missed",7} {"wrong matches",14} {"wrong dups",11}");
        foreach (var g in outcomes.GroupBy(o => o.Variant).OrderBy(g => g.Key))
            Console.WriteLine($"{g.Key,-16} {g.Count(),8} {g.Count(o => o.Verdict == "duplicate"),9} {g.Count(o => o.Verdict == "similar"),9} {g.Count(o => o.Verdict == "none"),7} {g.Sum(o => o.WrongMatches),14} {g.Sum(o => o.WrongDuplicates),11}");
        var dupQueries = outcomes.Where(o => o.Variant < Variant.Revision).ToList();
        var nonRevision = outcomes.Where(o => o.Variant != Variant.Revision).ToList();
        var trueDup = dupQueries.Count(o => o.Verdict == "duplicate");
        var falseDup = nonRevision.Sum(o => o.WrongDuplicates);
        var revisions = outcomes.Where(o => o.Variant == Variant.Revision).ToList();
        var unrelated = outcomes.Where(o => o.Variant == Variant.Unrelated).ToList();
        var revisionAsDup = revisions.Count(o => o.Verdict == "duplicate");
        Console.WriteLine();
        Console.WriteLine($"indexed drawings: {n}; queries: {outcomes.Count}; elapsed {elapsed.TotalSeconds:0} s; load average at end {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
        Console.WriteLine($"duplicate precision (duplicate and unrelated queries): {(double)trueDup / Math.Max(1, trueDup + falseDup):0.0000}  ({trueDup} right, {falseDup} wrong)");
        Console.WriteLine($"duplicate precision counting revisions labelled duplicate as wrong: {(double)trueDup / Math.Max(1, trueDup + falseDup + revisionAsDup + revisions.Sum(o => o.WrongDuplicates)):0.0000}");
        Console.WriteLine($"duplicate recall: {(double)trueDup / Math.Max(1, dupQueries.Count):0.0000}");
        Console.WriteLine($"revisions found as similar-or-duplicate: {(double)revisions.Count(o => o.Verdict != "none") / Math.Max(1, revisions.Count):0.0000} (as duplicate: {(double)revisionAsDup / Math.Max(1, revisions.Count):0.0000})");
        Console.WriteLine($"unrelated queries with any match: {(double)unrelated.Count(o => o.WrongMatches > 0) / Math.Max(1, unrelated.Count):0.0000}");
    }
}
