using System.Numerics;
using Boomerang.Drawing.Decoding;

namespace Boomerang.Drawing.Features;

/// <summary>L1 hashes and the L2 descriptor of a drawing, and the scores that compare them.</summary>
public static class FeatureExtractor
{
    private const int CanvasSize = 128;

    /// <summary>Features of a decoded raster.</summary>
    public static DrawingFeatures Extract(GrayImage image) => Extract(Normalizer.Normalize(image, CanvasSize));

    internal static DrawingFeatures Extract(InkCanvas canvas)
    {
        var c = canvas.Ink;
        var small32 = Downsample(c, CanvasSize, 4);   // 32×32
        var phash = PHash(small32, 32);
        var dhash = DHash(Downsample(c, CanvasSize, 8), 16);
        var descriptor = new byte[DrawingFeatures.DescriptorLength];
        Span<byte> grid = stackalloc byte[DrawingFeatures.DensityCells];
        Density(c, grid);
        DrawingFeatures.PackNibbles(grid, descriptor.AsSpan(0, DrawingFeatures.DensityBytes));
        var small64 = Downsample(c, CanvasSize, 2);
        Span<byte> edges = stackalloc byte[DrawingFeatures.EdgeCells];
        Edges(small64, 64, edges);
        DrawingFeatures.PackNibbles(edges, descriptor.AsSpan(DrawingFeatures.DensityBytes, DrawingFeatures.EdgeBytes));
        InkMap(small64, descriptor.AsSpan(DrawingFeatures.InkMapOffset));
        return new DrawingFeatures(phash, dhash, descriptor);
    }

    /// <summary>L1 score of a 64-bit hash pair: 1 − Hamming/64.</summary>
    public static double HashSimilarity(ulong a, ulong b) => 1 - BitOperations.PopCount(a ^ b) / 64.0;

    /// <summary>L2 score in [0, 1]: the mean of the centred cosine of the density grids and the cosine of the
    /// edge-orientation histograms (negative correlations count as 0).</summary>
    public static double DescriptorSimilarity(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        var density = CentredCosine(a[..DrawingFeatures.DensityBytes], b[..DrawingFeatures.DensityBytes]);
        var edges = Cosine(a.Slice(DrawingFeatures.DensityBytes, DrawingFeatures.EdgeBytes), b.Slice(DrawingFeatures.DensityBytes, DrawingFeatures.EdgeBytes));
        return Math.Max(0, 0.5 * density + 0.5 * edges);
    }

    /// <summary>Ink-map overlap in [0, 1]: 1 − the larger of the two "ink the other side has nowhere near" fractions
    /// (each side's ink compared with the other's ink grown by one cell). Duplicates score near 1; a revision loses
    /// what it moved, added or removed.</summary>
    public static double OverlapSimilarity(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b) => OverlapSimilarity(a, b, default);

    /// <summary>Ink-map overlap leaving out the cells set in <paramref name="template"/> (64 rows of 64 bits: the frame
    /// and title block the tenant's drawings share; empty = nothing left out). When almost no ink is left on either side
    /// (a drawing that is all template) the unmasked overlap is returned.</summary>
    public static double OverlapSimilarity(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, ReadOnlySpan<ulong> template) =>
        OverlapSimilarity(a, b, template, 1);

    /// <summary>As above with a tolerance of <paramref name="grow"/> cells (0: the same cell, 1: a neighbour).</summary>
    internal static double OverlapSimilarity(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, ReadOnlySpan<ulong> template, int grow)
    {
        var ma = a.Slice(DrawingFeatures.InkMapOffset, DrawingFeatures.InkMapBytes);
        var mb = b.Slice(DrawingFeatures.InkMapOffset, DrawingFeatures.InkMapBytes);
        if (!template.IsEmpty)
        {
            var (ua, ia) = Uncovered(ma, mb, template, grow);
            var (ub, ib) = Uncovered(mb, ma, template, grow);
            if (ia >= MinContentCells && ib >= MinContentCells) return 1 - Math.Max(ua, ub);
        }
        return 1 - Math.Max(Uncovered(ma, mb, default, grow).Fraction, Uncovered(mb, ma, default, grow).Fraction);
    }

    /// <summary>Content ink cells a drawing needs outside the template for the masked overlap to be used.</summary>
    internal const int MinContentCells = 24;

    /// <summary>Ink cells of a descriptor's map outside <paramref name="template"/>.</summary>
    internal static int ContentCells(ReadOnlySpan<byte> descriptor, ReadOnlySpan<ulong> template)
    {
        var map = descriptor.Slice(DrawingFeatures.InkMapOffset, DrawingFeatures.InkMapBytes);
        var n = 0;
        for (var y = 0; y < DrawingFeatures.InkMapSide; y++)
            n += BitOperations.PopCount(BitConverter.ToUInt64(map.Slice(y * 8, 8)) & ~(template.IsEmpty ? 0 : template[y]));
        return n;
    }

    // Fraction of `a`'s ink cells (outside the template) with no ink in `b` within one cell (rows as 64-bit words:
    // dilation by shifts), and how many ink cells that was out of.
    private static (double Fraction, int Ink) Uncovered(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, ReadOnlySpan<ulong> template, int grow)
    {
        const int n = DrawingFeatures.InkMapSide;
        int ink = 0, missed = 0;
        for (var y = 0; y < n; y++)
        {
            var row = BitConverter.ToUInt64(a.Slice(y * 8, 8));
            if (!template.IsEmpty) row &= ~template[y];
            if (row == 0) continue;
            ulong grown = 0;
            for (var dy = -grow; dy <= grow; dy++)
            {
                var yy = y + dy;
                if (yy < 0 || yy >= n) continue;
                var r = BitConverter.ToUInt64(b.Slice(yy * 8, 8));
                grown |= grow == 0 ? r : r | (r << 1) | (r >> 1);
            }
            ink += BitOperations.PopCount(row);
            missed += BitOperations.PopCount(row & ~grown);
        }
        return (ink == 0 ? 0 : (double)missed / ink, ink);
    }

    // 64×64 bits: a cell is ink when it holds a fair share of a typical inked cell's darkness (relative, so thin and
    // heavy line weights and resolutions give the same map).
    private static void InkMap(float[] img, Span<byte> into)
    {
        into.Clear();
        var inked = img.Where(v => v > 0).Order().ToArray();
        if (inked.Length == 0) return;
        var threshold = Math.Max(0.005f, 0.25f * inked[inked.Length * 3 / 4]);
        for (var i = 0; i < img.Length; i++)
            if (img[i] > threshold) into[i >> 3] |= (byte)(1 << (i & 7));
    }

    private static float[] Downsample(float[] src, int size, int f)
    {
        var n = size / f;
        var dst = new float[n * n];
        for (var y = 0; y < size; y++)
            for (var x = 0; x < size; x++)
                dst[(y / f) * n + x / f] += src[y * size + x];
        var inv = 1f / (f * f);
        for (var i = 0; i < dst.Length; i++) dst[i] *= inv;
        return dst;
    }

    // DCT-II of the 32×32 image; the 8×8 lowest frequencies (DC excluded from the median) against their median.
    private static ulong PHash(float[] img, int n)
    {
        var cos = new double[8, n];
        for (var u = 0; u < 8; u++)
            for (var x = 0; x < n; x++) cos[u, x] = Math.Cos((2 * x + 1) * u * Math.PI / (2 * n));
        var rowsT = new double[8, n]; // rowsT[u, y] = Σx img[y,x]·cos[u,x]
        for (var y = 0; y < n; y++)
            for (var u = 0; u < 8; u++)
            {
                double s = 0;
                for (var x = 0; x < n; x++) s += img[y * n + x] * cos[u, x];
                rowsT[u, y] = s;
            }
        var coeffs = new double[64];
        for (var v = 0; v < 8; v++)
            for (var u = 0; u < 8; u++)
            {
                double s = 0;
                for (var y = 0; y < n; y++) s += rowsT[u, y] * cos[v, y];
                coeffs[v * 8 + u] = s;
            }
        var sorted = coeffs[1..].Order().ToArray();
        var median = sorted[sorted.Length / 2];
        ulong hash = 0;
        for (var i = 0; i < 64; i++) if (coeffs[i] > median) hash |= 1UL << i;
        return hash;
    }

    // Gradient hash on a 16×16 image: 32 horizontal and 32 vertical comparisons of 2×2-block sums.
    private static ulong DHash(float[] img, int n)
    {
        var b = new float[8 * 8];
        for (var y = 0; y < n; y++)
            for (var x = 0; x < n; x++) b[(y / 2) * 8 + x / 2] += img[y * n + x];
        ulong hash = 0;
        var bit = 0;
        for (var y = 0; y < 8; y++)
            for (var x = 0; x < 4; x++) { if (b[y * 8 + x * 2] > b[y * 8 + x * 2 + 1]) hash |= 1UL << bit; bit++; }
        for (var y = 0; y < 4; y++)
            for (var x = 0; x < 8; x++) { if (b[y * 2 * 8 + x] > b[(y * 2 + 1) * 8 + x]) hash |= 1UL << bit; bit++; }
        return hash;
    }

    // 16×16 grid of ink density after a box blur (radius 4 px on the 128 canvas): small shifts move ink between
    // neighbouring cells smoothly instead of flipping cells.
    private static void Density(float[] c, Span<byte> into)
    {
        var blurred = BoxBlur(c, CanvasSize, 4);
        var grid = Downsample(blurred, CanvasSize, 8);
        Quantise(grid, into);
    }

    // Sobel gradients on the 64×64 image, orientation (mod 180°) in 8 bins, magnitude-weighted, per 4×4 cells.
    private static void Edges(float[] img, int n, Span<byte> into)
    {
        var hist = new float[DrawingFeatures.EdgeCells];
        var cell = n / 4;
        for (var y = 1; y < n - 1; y++)
            for (var x = 1; x < n - 1; x++)
            {
                float P(int dx, int dy) => img[(y + dy) * n + x + dx];
                var gx = P(1, -1) + 2 * P(1, 0) + P(1, 1) - P(-1, -1) - 2 * P(-1, 0) - P(-1, 1);
                var gy = P(-1, 1) + 2 * P(0, 1) + P(1, 1) - P(-1, -1) - 2 * P(0, -1) - P(1, -1);
                var mag = MathF.Sqrt(gx * gx + gy * gy);
                if (mag < 1e-4f) continue;
                var angle = MathF.Atan2(gy, gx);
                if (angle < 0) angle += MathF.PI;
                var bin = Math.Min(7, (int)(angle / MathF.PI * 8));
                hist[((y / cell) * 4 + x / cell) * 8 + bin] += mag;
            }
        Quantise(hist, into);
    }

    private static float[] BoxBlur(float[] src, int n, int r)
    {
        var tmp = new float[src.Length];
        var dst = new float[src.Length];
        for (var y = 0; y < n; y++)
            for (var x = 0; x < n; x++)
            {
                float s = 0;
                for (var k = Math.Max(0, x - r); k <= Math.Min(n - 1, x + r); k++) s += src[y * n + k];
                tmp[y * n + x] = s;
            }
        for (var y = 0; y < n; y++)
            for (var x = 0; x < n; x++)
            {
                float s = 0;
                for (var k = Math.Max(0, y - r); k <= Math.Min(n - 1, y + r); k++) s += tmp[k * n + x];
                dst[y * n + x] = s;
            }
        return dst;
    }

    private static void Quantise(float[] values, Span<byte> into)
    {
        var max = values.Max();
        if (max <= 0) { into.Clear(); return; }
        for (var i = 0; i < values.Length; i++) into[i] = (byte)Math.Round(values[i] / max * 255);
    }

    // Over 4-bit values packed two per byte: Σa, Σb, Σab, Σa², Σb² in integers.
    private static (long Sa, long Sb, long Ab, long Aa, long Bb, int N) Sums(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        long sa = 0, sb = 0, ab = 0, aa = 0, bb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            int a0 = a[i] & 15, a1 = a[i] >> 4, b0 = b[i] & 15, b1 = b[i] >> 4;
            sa += a0 + a1; sb += b0 + b1;
            ab += a0 * b0 + a1 * b1; aa += a0 * a0 + a1 * a1; bb += b0 * b0 + b1 * b1;
        }
        return (sa, sb, ab, aa, bb, 2 * a.Length);
    }

    private static double CentredCosine(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        var (sa, sb, ab, aa, bb, n) = Sums(a, b);
        var dot = ab - (double)sa * sb / n;
        var na = aa - (double)sa * sa / n;
        var nb = bb - (double)sb * sb / n;
        return na <= 1e-9 || nb <= 1e-9 ? (Math.Abs(na - nb) < 1e-9 ? 1 : 0) : dot / Math.Sqrt(na * nb);
    }

    private static double Cosine(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        var (_, _, ab, aa, bb, _) = Sums(a, b);
        return aa == 0 || bb == 0 ? (aa == bb ? 1 : 0) : ab / Math.Sqrt((double)aa * bb);
    }
}
