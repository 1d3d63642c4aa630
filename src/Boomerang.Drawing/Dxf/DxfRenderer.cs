using Boomerang.Drawing.Decoding;
using SkiaSharp;

namespace Boomerang.Drawing.Dxf;

/// <summary>Renders a DXF drawing black on white, fitted (aspect kept) into a square canvas with a margin.</summary>
public static class DxfRenderer
{
    /// <summary>The drawing as a grayscale raster of <paramref name="size"/>² pixels.</summary>
    public static GrayImage Render(DxfDocument doc, DrawingLimits limits, int size)
    {
        var strokes = DxfFlattener.Flatten(doc, limits);
        double minX = double.MaxValue, minY = double.MaxValue, maxX = double.MinValue, maxY = double.MinValue;
        foreach (var s in strokes)
            foreach (var p in s.Points)
            {
                if (!double.IsFinite(p.X) || !double.IsFinite(p.Y)) continue;
                minX = Math.Min(minX, p.X); maxX = Math.Max(maxX, p.X);
                minY = Math.Min(minY, p.Y); maxY = Math.Max(maxY, p.Y);
            }
        if (strokes.Count == 0 || minX > maxX)
            throw DrawingFileException.Corrupt("The DXF has no drawable entities.");

        var margin = size * 0.02;
        var extent = Math.Max(Math.Max(maxX - minX, maxY - minY), 1e-9);
        var scale = (size - 2 * margin) / extent;
        var offX = margin + ((size - 2 * margin) - (maxX - minX) * scale) / 2;
        var offY = margin + ((size - 2 * margin) - (maxY - minY) * scale) / 2;

        var info = new SKImageInfo(size, size, SKColorType.Rgba8888, SKAlphaType.Premul);
        using var bitmap = new SKBitmap(info);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.White);
            using var stroke = new SKPaint { Color = SKColors.Black, IsAntialias = true, Style = SKPaintStyle.Stroke, StrokeWidth = Math.Max(1f, size / 700f) };
            using var fill = new SKPaint { Color = SKColors.Black, IsAntialias = true, Style = SKPaintStyle.Fill };
            foreach (var s in strokes)
            {
                using var builder = new SKPathBuilder();
                var first = true;
                foreach (var p in s.Points)
                {
                    if (!double.IsFinite(p.X) || !double.IsFinite(p.Y)) continue;
                    // DXF y grows upwards, raster y downwards.
                    var pt = new SKPoint((float)(offX + (p.X - minX) * scale), (float)(size - (offY + (p.Y - minY) * scale)));
                    if (first) { builder.MoveTo(pt); first = false; } else builder.LineTo(pt);
                }
                if (s.Closed) builder.Close();
                using var path = builder.Detach();
                canvas.DrawPath(path, s.Filled ? fill : stroke);
            }
        }
        var rgba = bitmap.Bytes;
        var gray = new byte[size * size];
        for (int i = 0, j = 0; i < gray.Length; i++, j += 4)
            gray[i] = (byte)((rgba[j] * 77 + rgba[j + 1] * 150 + rgba[j + 2] * 29) >> 8);
        return new GrayImage(size, size, gray);
    }
}
