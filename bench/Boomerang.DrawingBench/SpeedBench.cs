using System.Diagnostics;
using Boomerang.Drawing.Decoding;
using Boomerang.Drawing.Features;
using Boomerang.Drawing.Indexing;
using Boomerang.Drawing.Search;
using SkiaSharp;

namespace Boomerang.DrawingBench;

/// <summary>Speed: index-add rate for 2,000×1,400 PNGs (decode + features + insert), memory per indexed drawing, and
/// search latency against a large index (features of real rendered drawings, perturbed to fill it), with L1 recall and
/// time compared to a brute-force scan in the same run.</summary>
internal static class SpeedBench
{
    public static async Task RunAsync(int indexSize, int queries, int adds)
    {
        var decoder = new DrawingDecoder(new DrawingLimits());
        Console.WriteLine($"processors: {Environment.ProcessorCount}; load average: {LoadAverage()}");

        // 1. Index add for 2,000×1,400 PNGs.
        var pngs = Enumerable.Range(0, 20).Select(i => Variants.Encode(
            Boomerang.Drawing.Dxf.DxfRenderer.RenderPage(DrawingGenerator.Drawing(50_000 + i), new DrawingLimits(), 2000, 1400, 2f),
            SKEncodedImageFormat.Png, 100)).ToList();
        Console.WriteLine($"PNG size: {pngs.Average(p => p.Length) / 1024:0} KiB average");
        var addIndex = new TenantIndex();
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < adds; i++)
        {
            var decoded = await decoder.DecodeAsync(pngs[i % pngs.Count], "a.png", CancellationToken.None);
            addIndex.Upsert(new IndexedDrawing(i, $"seq{i}", "a.png", FeatureExtractor.Extract(decoded.Image)));
        }
        Console.WriteLine($"index add, 1 thread: {adds / watch.Elapsed.TotalSeconds:0.0} drawings/s ({adds} adds in {watch.Elapsed.TotalSeconds:0.0} s)");
        watch.Restart();
        await Parallel.ForEachAsync(Enumerable.Range(0, adds), async (i, ct) =>
        {
            var decoded = await decoder.DecodeAsync(pngs[i % pngs.Count], "a.png", ct);
            addIndex.Upsert(new IndexedDrawing(i, $"par{i}", "a.png", FeatureExtractor.Extract(decoded.Image)));
        });
        Console.WriteLine($"index add, {Environment.ProcessorCount} threads: {adds / watch.Elapsed.TotalSeconds:0.0} drawings/s");

        // 2. A large index from perturbed real features.
        const int realCount = 300;
        var real = new DrawingFeatures[realCount];
        Parallel.For(0, realCount, i => real[i] = FeatureExtractor.Extract(Variants.Original(DrawingGenerator.Drawing(70_000 + i))));
        var rng = new Random(3);
        GC.Collect(); GC.WaitForPendingFinalizers(); GC.Collect();
        var before = GC.GetTotalMemory(true);
        var entries = new IndexedDrawing[indexSize];
        for (var i = 0; i < indexSize; i++)
        {
            var b = real[rng.Next(realCount)];
            entries[i] = new IndexedDrawing(i, Convert.ToHexStringLower(BitConverter.GetBytes((ulong)i * 0x9E3779B97F4A7C15UL)).PadLeft(64, '0'),
                $"DWG-{i:000000}.png", Perturb(b, rng));
        }
        var index = new TenantIndex();
        foreach (var e in entries) index.Upsert(e);
        entries = null!;
        GC.Collect(); GC.WaitForPendingFinalizers(); GC.Collect();
        var after = GC.GetTotalMemory(true);
        Console.WriteLine($"index of {index.Count:N0}: {(after - before) / (double)index.Count:0} bytes per drawing (managed heap growth: records, 64-char hash and file name strings, features, hash tables)");

        var engine = new DrawingSearchEngine();
        var tenant = engine.Tenant("speed");
        foreach (var d in index.Snapshot()) tenant.Upsert(d);
        var queryFeatures = Enumerable.Range(0, queries).Select(q =>
            q % 2 == 0 ? FeatureExtractor.Extract(Variants.Make(Variant.DupShiftScale, DrawingGenerator.Drawing(70_000 + q % realCount), new Random(q)).Image!)
                       : FeatureExtractor.Extract(Variants.Original(DrawingGenerator.Drawing(9_000_000 + q)))).ToList();

        foreach (var mode in new[] { "fast", "balanced" })
        {
            var times = new List<double>();
            foreach (var f in queryFeatures)
            {
                var sw = Stopwatch.StartNew();
                engine.Search("speed", new SearchRequest(f, null, "q", mode));
                times.Add(sw.Elapsed.TotalMilliseconds);
            }
            times.Sort();
            Console.WriteLine($"search {mode,-8} against {index.Count:N0}: p50 {times[times.Count / 2]:0.00} ms, p99 {times[(int)(times.Count * 0.99)]:0.00} ms (after decoding; {queries} queries)");
        }

        // 3. L1: multi-index recall vs a brute-force scan, same queries and radius.
        double mihMs = 0, scanMs = 0;
        long found = 0, expected = 0;
        foreach (var f in queryFeatures)
        {
            var sw = Stopwatch.StartNew();
            var a = tenant.Recall(f, Scoring.L1Radius);
            mihMs += sw.Elapsed.TotalMilliseconds;
            sw.Restart();
            var b = tenant.RecallByScan(f, Scoring.L1Radius);
            scanMs += sw.Elapsed.TotalMilliseconds;
            var set = a.Select(x => x.Drawing.FileHash).ToHashSet();
            found += b.Count(x => set.Contains(x.Drawing.FileHash));
            expected += b.Count;
        }
        Console.WriteLine($"L1 recall (radius {Scoring.L1Radius}) multi-index vs brute force: {(expected == 0 ? 1 : (double)found / expected):0.0000}; " +
                          $"mean {mihMs / queries:0.00} ms vs {scanMs / queries:0.00} ms scan; mean candidates {expected / (double)queries:0}");
    }

    // Another drawing "like" a real one: some hash bits flipped, descriptor values jittered, a few ink cells toggled.
    private static DrawingFeatures Perturb(DrawingFeatures f, Random rng)
    {
        ulong Flip(ulong code, int bits) { for (var i = 0; i < bits; i++) code ^= 1UL << rng.Next(64); return code; }
        var d = (byte[])f.Descriptor.Clone();
        for (var i = 0; i < DrawingFeatures.DescriptorLength - 512; i++) d[i] = (byte)Math.Clamp(d[i] + rng.Next(-40, 41), 0, 255);
        for (var i = 0; i < 300; i++) d[DrawingFeatures.DescriptorLength - 512 + rng.Next(512)] ^= (byte)(1 << rng.Next(8));
        return new DrawingFeatures(Flip(f.PHash, rng.Next(4, 24)), Flip(f.DHash, rng.Next(4, 24)), d);
    }

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";
}
