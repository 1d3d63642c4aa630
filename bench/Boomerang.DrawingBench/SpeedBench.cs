using System.Diagnostics;
using System.Text.Json.Nodes;
using Boomerang.Drawing.Decoding;
using Boomerang.Drawing.Features;
using Boomerang.Drawing.Indexing;
using Boomerang.Drawing.Search;
using SkiaSharp;

namespace Boomerang.DrawingBench;

/// <summary>Speed: index-add rate for 2,000×1,400 PNGs (decode + features + insert), memory per indexed drawing, and
/// search latency against a large index (features of real rendered drawings, perturbed to fill it), with L1 recall and
/// time compared to a brute-force scan in the same run. Each figure is the median of <c>--runs</c> runs.</summary>
internal static class SpeedBench
{
    private const int Bases = 1000;

    public static async Task RunAsync(int indexSize, int queries, int adds, int runs)
    {
        var decoder = new DrawingDecoder(new DrawingLimits());
        Console.WriteLine($"settings: --index {indexSize} --queries {queries} --adds {adds} --runs {runs}; processors {Environment.ProcessorCount}; " +
                          $"server GC {System.Runtime.GCSettings.IsServerGC}; load average at start {LoadAverage()}");

        // Inputs, made once: 20 PNGs of 2,000×1,400 and the features of real rendered drawings for the big index.
        var pngs = Enumerable.Range(0, 20).Select(i => Variants.Encode(
            Boomerang.Drawing.Dxf.DxfRenderer.RenderPage(DrawingGenerator.Drawing(50_000 + i), new DrawingLimits(), 2000, 1400, 2f),
            SKEncodedImageFormat.Png, 100)).ToList();
        Console.WriteLine($"PNG: 2000×1400, {pngs.Average(p => p.Length) / 1024:0} KiB average");
        var real = new DrawingFeatures[Bases];
        Parallel.For(0, Bases, i => real[i] = FeatureExtractor.Extract(
            Boomerang.Drawing.Dxf.DxfRenderer.RenderPage(DrawingGenerator.Drawing(70_000 + i), new DrawingLimits(), 1000, 707, 1f)));
        var queryFeatures = Enumerable.Range(0, queries).Select(q =>
            q % 2 == 0 ? FeatureExtractor.Extract(Variants.Make(Variant.DupShiftScale, DrawingGenerator.Drawing(70_000 + q % Bases), new Random(q)).Image!)
                       : FeatureExtractor.Extract(Variants.Original(DrawingGenerator.Drawing(9_000_000 + q)))).ToList();

        var figures = new Dictionary<string, List<double>>();
        void Record(string name, double value) { if (!figures.TryGetValue(name, out var l)) figures[name] = l = []; l.Add(value); }

        for (var run = 1; run <= runs; run++)
        {
            Console.WriteLine($"run {run}/{runs}, load average {LoadAverage()}");
            // 1. Index add for 2,000×1,400 PNGs: decode, features, insert.
            var addIndex = new TenantIndex();
            double decodeMs = 0, featureMs = 0;
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < adds; i++)
            {
                var t0 = Stopwatch.GetTimestamp();
                var decoded = await decoder.DecodeAsync(pngs[i % pngs.Count], "a.png", CancellationToken.None);
                var t1 = Stopwatch.GetTimestamp();
                var f = FeatureExtractor.Extract(decoded.Image);
                decodeMs += Stopwatch.GetElapsedTime(t0, t1).TotalMilliseconds;
                featureMs += Stopwatch.GetElapsedTime(t1).TotalMilliseconds;
                addIndex.Upsert(new IndexedDrawing(i, $"seq{i}", "a.png", f));
            }
            Record("add/s, 1 thread", adds / watch.Elapsed.TotalSeconds);
            Record("add: CPU ms per drawing", (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds / adds);
            Record("add: decode ms", decodeMs / adds);
            Record("add: normalise+features ms", featureMs / adds);
            watch.Restart();
            await Parallel.ForEachAsync(Enumerable.Range(0, adds), async (i, ct) =>
            {
                var decoded = await decoder.DecodeAsync(pngs[i % pngs.Count], "a.png", ct);
                addIndex.Upsert(new IndexedDrawing(i, $"par{i}", "a.png", FeatureExtractor.Extract(decoded.Image)));
            });
            Record($"add/s, {Environment.ProcessorCount} threads", adds / watch.Elapsed.TotalSeconds);

            // 2. The big index: real features perturbed (hash bits flipped, descriptor jittered), real memory growth.
            var rng = new Random(3);
            GC.Collect(); GC.WaitForPendingFinalizers(); GC.Collect();
            var before = GC.GetTotalMemory(true);
            var engine = new DrawingSearchEngine();
            var index = engine.Tenant("speed");
            for (var i = 0; i < indexSize; i++)
                index.Upsert(new IndexedDrawing(i, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(i))),
                    $"DWG-{i:000000}.png", Perturb(real[rng.Next(Bases)], rng)));
            GC.Collect(); GC.WaitForPendingFinalizers(); GC.Collect();
            var after = GC.GetTotalMemory(true);
            Record("bytes per indexed drawing", (after - before) / (double)index.Count);
            GC.KeepAlive(engine);

            // 3. Search latency after decoding, per mode.
            foreach (var mode in new[] { "fast", "balanced" })
            {
                var times = new List<double>();
                double probed = 0, passed = 0;
                foreach (var f in queryFeatures)
                {
                    var sw = Stopwatch.StartNew();
                    var result = engine.Search("speed", new SearchRequest(f, null, "q", mode));
                    times.Add(sw.Elapsed.TotalMilliseconds);
                    var l1 = result["level_stats"]!["l1"]!;
                    probed += (int)l1["probed"]!;
                    passed += (int)l1["passed"]!;
                }
                times.Sort();
                Record($"search {mode} p50 ms", times[times.Count / 2]);
                Record($"search {mode} p99 ms", times[Math.Min(times.Count - 1, (int)(times.Count * 0.99))]);
                if (mode == "balanced")
                {
                    Record("L1 entries probed per search", probed / queries);
                    Record("L1 candidates per search", passed / queries);
                }
            }

            // 4. L1 multi-index vs brute-force scan, same queries, at the first radius step and the largest.
            foreach (var radius in new[] { Scoring.L1RadiusSteps[0], Scoring.L1Radius })
            {
                double mihMs = 0, scanMs = 0;
                long found = 0, expected = 0, probed = 0;
                var a = new List<L1Hit>();
                var b = new List<L1Hit>();
                foreach (var f in queryFeatures)
                {
                    a.Clear(); b.Clear();
                    using (index.Read())
                    {
                        var t0 = Stopwatch.GetTimestamp();
                        probed += index.RecallSlots(f.PHash, f.DHash, radius, a);
                        var t1 = Stopwatch.GetTimestamp();
                        index.ScanSlots(f.PHash, f.DHash, radius, b);
                        mihMs += Stopwatch.GetElapsedTime(t0, t1).TotalMilliseconds;
                        scanMs += Stopwatch.GetElapsedTime(t1).TotalMilliseconds;
                    }
                    var set = a.Select(x => x.Slot).ToHashSet();
                    found += b.Count(x => set.Contains(x.Slot));
                    expected += b.Count;
                }
                Record($"L1 r={radius} recall vs scan", expected == 0 ? 1 : (double)found / expected);
                Record($"L1 r={radius} multi-index ms", mihMs / queries);
                Record($"L1 r={radius} scan ms", scanMs / queries);
                Record($"L1 r={radius} candidates", expected / (double)queries);
                Record($"L1 r={radius} entries probed", probed / (double)queries);
            }
            foreach (var (name, values) in figures) Console.WriteLine($"  {name,-34} {values[^1],12:0.###}");
        }

        Console.WriteLine();
        Console.WriteLine($"medians of {runs} run(s), index {indexSize:N0} drawings ({Bases} rendered sheets perturbed), {queries} queries " +
                          $"(half 1–3 % shifted duplicates, half unrelated sheets on the same frame); load average at end {LoadAverage()}");
        foreach (var (name, values) in figures)
        {
            var sorted = values.Order().ToList();
            Console.WriteLine($"  {name,-34} {sorted[sorted.Count / 2],12:0.###}   (runs: {string.Join(", ", values.Select(v => v.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)))})");
        }
    }

    // Another drawing "like" a real one: some hash bits flipped, density/edge values jittered, some ink cells toggled.
    private static DrawingFeatures Perturb(DrawingFeatures f, Random rng)
    {
        ulong Flip(ulong code, int bits) { for (var i = 0; i < bits; i++) code ^= 1UL << rng.Next(64); return code; }
        var d = (byte[])f.Descriptor.Clone();
        for (var i = 0; i < DrawingFeatures.InkMapOffset; i++)
            d[i] = (byte)((Math.Clamp((d[i] & 15) + rng.Next(-2, 3), 0, 15)) | (Math.Clamp((d[i] >> 4) + rng.Next(-2, 3), 0, 15) << 4));
        for (var i = 0; i < 300; i++) d[DrawingFeatures.InkMapOffset + rng.Next(DrawingFeatures.InkMapBytes)] ^= (byte)(1 << rng.Next(8));
        return new DrawingFeatures(Flip(f.PHash, rng.Next(4, 24)), Flip(f.DHash, rng.Next(4, 24)), d);
    }

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ')[..3]) : "?";
}
