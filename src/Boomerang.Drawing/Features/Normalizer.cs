using Boomerang.Drawing.Decoding;

namespace Boomerang.Drawing.Features;

/// <summary>Ink darkness (0 = paper, 1 = black) of a drawing with its white margins trimmed, fitted (aspect kept) and
/// centred in a square canvas.</summary>
internal sealed class InkCanvas(int size, float[] ink)
{
    public int Size => size;
    public float[] Ink => ink;
}

/// <summary>Normalisation shared by every level: grayscale → darkness, margins trimmed by a noise-tolerant row/column
/// profile, resampled by area averaging (so line weight and resolution change intensity, not shape).</summary>
internal static class Normalizer
{
    private const int WorkingSide = 1024;

    public static InkCanvas Normalize(GrayImage image, int size) => Crop(image).Fit(size);

    public static Trimmed Crop(GrayImage image)
    {
        // 1. Integer box downsample to at most WorkingSide, as darkness.
        var f = Math.Max(1, (int)Math.Ceiling(Math.Max(image.Width, image.Height) / (double)WorkingSide));
        int w = image.Width / f, h = image.Height / f;
        if (w == 0 || h == 0) (w, h, f) = (image.Width, image.Height, 1);
        var dark = new float[w * h];
        var px = image.Pixels;
        var norm = 1f / (255f * f * f);
        for (var y = 0; y < h; y++)
        {
            var row = y * w;
            for (var dy = 0; dy < f; dy++)
            {
                var src = (y * f + dy) * image.Width;
                for (var x = 0; x < w; x++)
                {
                    var s = 0;
                    var o = src + x * f;
                    for (var dx = 0; dx < f; dx++) s += 255 - px[o + dx];
                    dark[row + x] += s * norm;
                }
            }
        }
        // 2. Paper and noise out: darkness up to the paper level (the median, drawings being mostly paper) plus a
        // margin is zeroed, so scan noise, gray paper and JPEG ringing do not count as ink.
        // The median from a 1,024-bin histogram (no sort of the pixels).
        Span<int> bins = stackalloc int[1024];
        foreach (var d in dark) bins[Math.Min(1023, (int)(d * 1024))]++;
        int seen = 0, bin = 0;
        while (bin < 1023 && (seen += bins[bin]) * 2 < dark.Length) bin++;
        var paper = bin / 1024f;
        var floor = paper + 0.2f;
        var gain = 1f / Math.Max(0.05f, 1f - floor);
        for (var i = 0; i < dark.Length; i++) dark[i] = dark[i] <= floor ? 0 : Math.Min(1f, (dark[i] - floor) * gain);
        // 3. Trim: the first and last rows/columns whose ink rises clearly above the background (scan noise) level.
        var rows = new float[h];
        var cols = new float[w];
        for (var y = 0; y < h; y++)
            for (var x = 0; x < w; x++) { var d = dark[y * w + x]; rows[y] += d; cols[x] += d; }
        var (top, bottom) = Extent(rows);
        var (left, right) = Extent(cols);
        return new Trimmed(dark, w, left, top, right - left + 1, bottom - top + 1);
    }

    private static (int, int) Extent(float[] profile)
    {
        var sorted = (float[])profile.Clone();
        Array.Sort(sorted);
        var background = sorted[sorted.Length / 10];
        var max = sorted[^1];
        if (max - background < 1e-3f) return (0, profile.Length - 1);
        var threshold = background + 0.03f * (max - background);
        int first = 0, last = profile.Length - 1;
        while (first < last && profile[first] <= threshold) first++;
        while (last > first && profile[last] <= threshold) last--;
        return (first, last);
    }

    /// <summary>The trimmed region of the working-resolution darkness image.</summary>
    internal sealed class Trimmed(float[] dark, int stride, int x0, int y0, int width, int height)
    {
        public int Width => width;
        public int Height => height;

        /// <summary>Area-averaged into a size×size canvas, aspect kept, centred.</summary>
        public InkCanvas Fit(int size)
        {
            var scale = (double)size / Math.Max(width, height);
            var tw = Math.Max(1, (int)Math.Round(width * scale));
            var th = Math.Max(1, (int)Math.Round(height * scale));
            var ox = (size - tw) / 2;
            var oy = (size - th) / 2;
            var canvas = new float[size * size];
            // Separable area resampling: columns first into a th-row temporary, then rows.
            var tmp = new float[tw * height];
            var xw = Weights(width, tw);
            for (var y = 0; y < height; y++)
            {
                var src = (y0 + y) * stride + x0;
                for (var x = 0; x < tw; x++)
                {
                    float s = 0;
                    foreach (var (i, wt) in xw[x]) s += dark[src + i] * wt;
                    tmp[y * tw + x] = s;
                }
            }
            var yw = Weights(height, th);
            for (var y = 0; y < th; y++)
                for (var x = 0; x < tw; x++)
                {
                    float s = 0;
                    foreach (var (i, wt) in yw[y]) s += tmp[i * tw + x] * wt;
                    canvas[(oy + y) * size + ox + x] = Math.Min(1f, s);
                }
            return new InkCanvas(size, canvas);
        }

        private static (int, float)[][] Weights(int source, int target)
        {
            var result = new (int, float)[target][];
            var step = (double)source / target;
            for (var t = 0; t < target; t++)
            {
                var a = t * step;
                var b = Math.Min(source, (t + 1) * step);
                var list = new List<(int, float)>();
                for (var i = (int)a; i < b && i < source; i++)
                {
                    var overlap = Math.Min(b, i + 1) - Math.Max(a, i);
                    if (overlap > 0) list.Add((i, (float)(overlap / (b - a))));
                }
                result[t] = [.. list];
            }
            return result;
        }
    }
}
