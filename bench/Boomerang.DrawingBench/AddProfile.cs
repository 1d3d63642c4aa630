using System.Diagnostics;
using Boomerang.Drawing.Decoding;
using Boomerang.Drawing.Features;
using SkiaSharp;

namespace Boomerang.DrawingBench;

/// <summary>Where index-add time goes for a 2,000×1,400 PNG: process CPU milliseconds per phase (CPU time, so a loaded
/// machine inflates it less than wall time), median of the iterations.</summary>
internal static class AddProfile
{
    public static void Run(int iterations)
    {
        var png = Variants.Encode(Boomerang.Drawing.Dxf.DxfRenderer.RenderPage(DrawingGenerator.Drawing(50_000), new DrawingLimits(), 2000, 1400, 2f),
            SKEncodedImageFormat.Png, 100);
        var limits = new DrawingLimits();
        var phases = new Dictionary<string, List<double>>();
        var process = Process.GetCurrentProcess();
        T Time<T>(string name, Func<T> f)
        {
            process.Refresh();
            var before = process.TotalProcessorTime;
            var result = f();
            process.Refresh();
            if (!phases.TryGetValue(name, out var l)) phases[name] = l = [];
            l.Add((process.TotalProcessorTime - before).TotalMilliseconds);
            return result;
        }
        for (var i = 0; i < iterations; i++)
        {
            var image = Time("decode (codec, gray, box shrink)", () => RasterDecoder.Decode(png, limits));
            using var data = SKData.CreateCopy(png);
            using var codec = SKCodec.Create(data);
            var bmp = Time("  codec to RGBA premul", () =>
            {
                var b = new SKBitmap(new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Premul));
                codec.GetPixels(b.Info, b.GetPixels());
                return b;
            });
            Time("  codec to Gray8", () =>
            {
                using var codec2 = SKCodec.Create(data);
                using var b = new SKBitmap(new SKImageInfo(codec2.Info.Width, codec2.Info.Height, SKColorType.Gray8, SKAlphaType.Opaque));
                return codec2.GetPixels(b.Info, b.GetPixels());
            });
            bmp.Dispose();
            var trimmed = Time("normalise: darkness, paper, trim", () => Normalizer.Crop(image));
            var canvas = Time("normalise: fit to 128", () => trimmed.Fit(128));
            Time("features", () => FeatureExtractor.Extract(canvas));
        }
        Console.WriteLine($"add profile, {iterations} iterations, 2000×1400 PNG ({png.Length / 1024} KiB); load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
        foreach (var (name, values) in phases)
            Console.WriteLine($"  {name,-36} median {values.Order().ElementAt(values.Count / 2),8:0.0} ms CPU");
    }
}
