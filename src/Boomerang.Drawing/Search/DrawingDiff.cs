using System.Runtime.InteropServices;
using Boomerang.Drawing.Decoding;
using Boomerang.Drawing.Features;
using SkiaSharp;

namespace Boomerang.Drawing.Search;

/// <summary>A changed area of a diff, in diff-image pixels.</summary>
public sealed record DiffRegion(int X, int Y, int Width, int Height, int QueryOnlyPixels, int CandidateOnlyPixels);

/// <summary>The diff of two drawings: both normalised (margins trimmed, fitted to the same square), ink that only the
/// query has in red, ink that only the candidate has in blue, shared ink in gray; changed areas as boxes.</summary>
public static class DrawingDiff
{
    /// <summary>Side of the diff image.</summary>
    public const int Size = 512;
    private const int Tolerance = 2;
    private const int Cell = 16;

    /// <summary>The PNG and the regions.</summary>
    public static (byte[] Png, IReadOnlyList<DiffRegion> Regions) Compute(GrayImage query, GrayImage candidate)
    {
        var q = Ink(Normalizer.Normalize(query, Size));
        var c = Ink(Normalizer.Normalize(candidate, Size));
        var qNear = Dilate(q);
        var cNear = Dilate(c);
        var rgba = new byte[Size * Size * 4];
        var cellsQ = new int[(Size / Cell) * (Size / Cell)];
        var cellsC = new int[cellsQ.Length];
        for (var i = 0; i < q.Length; i++)
        {
            (byte r, byte g, byte b) px = (255, 255, 255);
            var cell = (i / Size / Cell) * (Size / Cell) + (i % Size) / Cell;
            if (q[i] && !cNear[i]) { px = (220, 20, 20); cellsQ[cell]++; }
            else if (c[i] && !qNear[i]) { px = (20, 60, 230); cellsC[cell]++; }
            else if (q[i] || c[i]) px = (150, 150, 150);
            (rgba[i * 4], rgba[i * 4 + 1], rgba[i * 4 + 2], rgba[i * 4 + 3]) = (px.r, px.g, px.b, 255);
        }
        return (Encode(rgba), Regions(cellsQ, cellsC));
    }

    private static bool[] Ink(InkCanvas canvas)
    {
        var inked = canvas.Ink.Where(v => v > 0).Order().ToArray();
        var ink = new bool[canvas.Ink.Length];
        if (inked.Length == 0) return ink;
        var threshold = Math.Max(0.01f, 0.3f * inked[inked.Length * 3 / 4]);
        for (var i = 0; i < ink.Length; i++) ink[i] = canvas.Ink[i] > threshold;
        return ink;
    }

    private static bool[] Dilate(bool[] src)
    {
        var dst = new bool[src.Length];
        for (var y = 0; y < Size; y++)
            for (var x = 0; x < Size; x++)
            {
                if (!src[y * Size + x]) continue;
                for (var dy = -Tolerance; dy <= Tolerance; dy++)
                    for (var dx = -Tolerance; dx <= Tolerance; dx++)
                    {
                        int yy = y + dy, xx = x + dx;
                        if (yy >= 0 && yy < Size && xx >= 0 && xx < Size) dst[yy * Size + xx] = true;
                    }
            }
        return dst;
    }

    // Cells with a few changed pixels, grouped 8-connected into boxes, largest change first.
    private static List<DiffRegion> Regions(int[] cellsQ, int[] cellsC)
    {
        const int n = Size / Cell;
        const int minPixels = 6;
        var seen = new bool[cellsQ.Length];
        var regions = new List<DiffRegion>();
        for (var start = 0; start < cellsQ.Length; start++)
        {
            if (seen[start] || cellsQ[start] + cellsC[start] < minPixels) continue;
            int minX = n, minY = n, maxX = -1, maxY = -1, sumQ = 0, sumC = 0;
            var stack = new Stack<int>([start]);
            seen[start] = true;
            while (stack.Count > 0)
            {
                var cell = stack.Pop();
                int cx = cell % n, cy = cell / n;
                (minX, minY, maxX, maxY) = (Math.Min(minX, cx), Math.Min(minY, cy), Math.Max(maxX, cx), Math.Max(maxY, cy));
                sumQ += cellsQ[cell]; sumC += cellsC[cell];
                for (var dy = -1; dy <= 1; dy++)
                    for (var dx = -1; dx <= 1; dx++)
                    {
                        int x = cx + dx, y = cy + dy;
                        if (x < 0 || y < 0 || x >= n || y >= n) continue;
                        var next = y * n + x;
                        if (seen[next] || cellsQ[next] + cellsC[next] < minPixels) continue;
                        seen[next] = true;
                        stack.Push(next);
                    }
            }
            regions.Add(new DiffRegion(minX * Cell, minY * Cell, (maxX - minX + 1) * Cell, (maxY - minY + 1) * Cell, sumQ, sumC));
        }
        return [.. regions.OrderByDescending(r => r.QueryOnlyPixels + r.CandidateOnlyPixels)];
    }

    private static byte[] Encode(byte[] rgba)
    {
        var info = new SKImageInfo(Size, Size, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        using var bmp = new SKBitmap(info);
        Marshal.Copy(rgba, 0, bmp.GetPixels(), rgba.Length);
        using var image = SKImage.FromBitmap(bmp);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }
}
