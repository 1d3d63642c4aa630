using System.Collections.Concurrent;
using Boomerang.Drawing.Decoding;
using Boomerang.Drawing.Features;
using Boomerang.Drawing.Indexing;
using Boomerang.Drawing.Search;

namespace Boomerang.DrawingBench;

/// <summary>Raw L2 score distributions per variant on a held-out corpus (seeds disjoint from <c>quality</c>'s), for
/// choosing the engine's score mapping (<c>Search/Scoring.cs</c>). Not a benchmark: the quality run is the test.</summary>
internal static class Calibrate
{
    public static async Task RunAsync(int n, int m)
    {
        var decoder = new DrawingDecoder(new DrawingLimits { ConverterTimeout = TimeSpan.FromMinutes(5) });
        var bases = Enumerable.Range(0, n).Select(i => DrawingGenerator.Drawing(1000 + i)).ToList();
        var feats = new DrawingFeatures[n];
        Parallel.For(0, n, i => feats[i] = FeatureExtractor.Extract(Variants.Original(bases[i])));
        var index = new TenantIndex();
        for (var i = 0; i < n; i++) index.Upsert(new IndexedDrawing(i, $"c{i}", $"c{i}", feats[i]));
        var template = new ulong[DrawingFeatures.InkMapSide];
        using (index.Read()) index.Template(template);
        Console.WriteLine($"held-out corpus: {n} indexed drawings (seeds 1000…), variants of the first {Math.Min(n, m)}; template cells: {template.Sum(r => System.Numerics.BitOperations.PopCount(r))} of 4096");

        var rows = new ConcurrentDictionary<string, ConcurrentBag<(double Masked, double Plain, double Descriptor, double Strict)>>();
        void Add(string key, DrawingFeatures q, DrawingFeatures b) => rows.GetOrAdd(key, _ => []).Add(
            (FeatureExtractor.OverlapSimilarity(q.Descriptor, b.Descriptor, template), FeatureExtractor.OverlapSimilarity(q.Descriptor, b.Descriptor),
             FeatureExtractor.DescriptorSimilarity(q.Descriptor, b.Descriptor), FeatureExtractor.OverlapSimilarity(q.Descriptor, b.Descriptor, template, 0)));
        await Parallel.ForEachAsync(Enumerable.Range(0, Math.Min(n, m)), async (i, ct) =>
        {
            var rng = new Random(7 + i);
            foreach (var v in new[] { Variant.DupResolution, Variant.DupJpeg60, Variant.DupShiftScale, Variant.DupLineWeight, Variant.DupScanNoise, Variant.DupPdf })
            {
                if (v == Variant.DupPdf && i % 4 != 0) continue; // PDFs are slow; a quarter is enough to see them
                var (img, bytes) = Variants.Make(v, bases[i], rng);
                img ??= (await decoder.DecodeAsync(bytes!, null, ct)).Image;
                Add(v.ToString(), FeatureExtractor.Extract(img), feats[i]);
            }
            var rev = FeatureExtractor.Extract(Variants.Original(DrawingGenerator.Revise(bases[i], 0.05 + 0.10 * rng.NextDouble(), i)));
            Add("Revision", rev, feats[i]);
            // The closest indexed drawing to an unrelated one, by the engine's own L2 score.
            var other = FeatureExtractor.Extract(Variants.Original(DrawingGenerator.Drawing(900_000 + i)));
            var best = feats.MaxBy(f => Scoring.L2Raw(FeatureExtractor.OverlapSimilarity(other.Descriptor, f.Descriptor, template),
                FeatureExtractor.OverlapSimilarity(other.Descriptor, f.Descriptor, template, 0)))!;
            Add("Unrelated(best)", other, best);
        });
        foreach (var (name, bag) in rows.OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            var list = bag.ToList();
            Console.WriteLine($"{name,-16} masked overlap [{P(list.Select(x => x.Masked))}]");
            Console.WriteLine($"{"",-16} plain overlap  [{P(list.Select(x => x.Plain))}]");
            Console.WriteLine($"{"",-16} descriptor     [{P(list.Select(x => x.Descriptor))}]");
            Console.WriteLine($"{"",-16} strict overlap [{P(list.Select(x => x.Strict))}]");
            Console.WriteLine($"{"",-16} L2 raw         [{P(list.Select(x => Scoring.L2Raw(x.Masked, x.Strict)))}]");
        }
    }

    private static string P(IEnumerable<double> xs)
    {
        var s = xs.Order().ToArray();
        return $"min {s[0]:0.000} p1 {s[s.Length / 100]:0.000} p5 {s[s.Length / 20]:0.000} p10 {s[s.Length / 10]:0.000} p15 {s[s.Length * 15 / 100]:0.000} p50 {s[s.Length / 2]:0.000} p95 {s[s.Length * 19 / 20]:0.000} p99 {s[s.Length * 99 / 100]:0.000} max {s[^1]:0.000}";
    }
}
