using System.Numerics;
using Boomerang.Drawing.Decoding;
using Boomerang.Drawing.Features;

namespace Boomerang.DrawingBench;

/// <summary>Raw L1/L2 score distributions per variant, for choosing the engine's score mapping (not a benchmark).</summary>
internal static class Calibrate
{
    public static async Task RunAsync(int n)
    {
        var decoder = new DrawingDecoder(new DrawingLimits());
        var bases = Enumerable.Range(0, n).Select(i => DrawingGenerator.Drawing(1000 + i)).ToList();
        var feats = bases.Select(b => FeatureExtractor.Extract(Variants.Original(b))).ToList();
        var rows = new Dictionary<string, List<(int p, int d, double l2, double ov)>>();
        var rng = new Random(7);
        for (var i = 0; i < n; i++)
        {
            foreach (var v in new[] { Variant.DupResolution, Variant.DupJpeg60, Variant.DupShiftScale, Variant.DupLineWeight, Variant.DupScanNoise })
            {
                var (img, bytes) = Variants.Make(v, bases[i], rng);
                img ??= (await decoder.DecodeAsync(bytes!, null, CancellationToken.None)).Image;
                Add(rows, v.ToString(), FeatureExtractor.Extract(img), feats[i]);
            }
            var rev = DrawingGenerator.Revise(bases[i], 0.05 + 0.10 * rng.NextDouble(), i);
            Add(rows, "Revision", FeatureExtractor.Extract(Variants.Original(rev)), feats[i]);
            var other = FeatureExtractor.Extract(Variants.Original(DrawingGenerator.Drawing(900_000 + i)));
            // The closest indexed drawing to an unrelated one.
            var best = feats.MaxBy(f => FeatureExtractor.OverlapSimilarity(other.Descriptor, f.Descriptor) + FeatureExtractor.DescriptorSimilarity(other.Descriptor, f.Descriptor))!;
            Add(rows, "Unrelated(best)", other, best);
        }
        foreach (var (name, list) in rows)
        {
            string P(IEnumerable<double> xs) { var s = xs.Order().ToArray(); return $"min {s[0]:0.000} p5 {s[s.Length / 20]:0.000} p50 {s[s.Length / 2]:0.000} p95 {s[s.Length * 19 / 20]:0.000} max {s[^1]:0.000}"; }
            Console.WriteLine($"{name,-16} phash[{P(list.Select(x => (double)x.p))}]");
            Console.WriteLine($"{"",-16} dhash[{P(list.Select(x => (double)x.d))}]");
            Console.WriteLine($"{"",-16} l2   [{P(list.Select(x => x.l2))}]");
            Console.WriteLine($"{"",-16} ovl  [{P(list.Select(x => x.ov))}]");
            Console.WriteLine($"{"",-16} mix  [{P(list.Select(x => 0.5 * x.ov + 0.5 * x.l2))}]");
        }
    }

    private static void Add(Dictionary<string, List<(int, int, double, double)>> rows, string key, DrawingFeatures q, DrawingFeatures b)
    {
        if (!rows.TryGetValue(key, out var list)) rows[key] = list = [];
        list.Add((BitOperations.PopCount(q.PHash ^ b.PHash), BitOperations.PopCount(q.DHash ^ b.DHash), FeatureExtractor.DescriptorSimilarity(q.Descriptor, b.Descriptor), FeatureExtractor.OverlapSimilarity(q.Descriptor, b.Descriptor)));
    }
}
