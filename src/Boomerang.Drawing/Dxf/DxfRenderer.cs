using Boomerang.Drawing.Decoding;
using SkiaSharp;

namespace Boomerang.Drawing.Dxf;

/// <summary>Renders a DXF drawing black on white, fitted (aspect kept) into a square canvas with a margin.</summary>
public static class DxfRenderer
{
    /// <summary>The drawing as a grayscale raster of <paramref name="size"/>² pixels.</summary>
    public static GrayImage Render(DxfDocument doc, DrawingLimits limits, int size) =>
        RenderPage(doc, limits, size, size, Math.Max(1f, size / 700f));

    /// <summary>Renders onto a width×height page; <paramref name="scale"/> and the shifts (fractions of the page) move
    /// the fitted drawing, as a re-scan or re-plot would.</summary>
    internal static GrayImage RenderPage(DxfDocument doc, DrawingLimits limits, int width, int height, float strokeWidth,
        double scale = 1, double shiftX = 0, double shiftY = 0)
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

        var margin = Math.Min(width, height) * 0.02;
        var fit = Math.Min((width - 2 * margin) / Math.Max(maxX - minX, 1e-9), (height - 2 * margin) / Math.Max(maxY - minY, 1e-9)) * scale;
        var offX = (width - (maxX - minX) * fit) / 2 + shiftX * width;
        var offY = (height - (maxY - minY) * fit) / 2 + shiftY * height;

        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul);
        using var bitmap = new SKBitmap(info);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.White);
            using var stroke = new SKPaint { Color = SKColors.Black, IsAntialias = true, Style = SKPaintStyle.Stroke, StrokeWidth = strokeWidth };
            using var fill = new SKPaint { Color = SKColors.Black, IsAntialias = true, Style = SKPaintStyle.Fill };
            foreach (var s in strokes)
            {
                using var builder = new SKPathBuilder();
                var first = true;
                foreach (var p in s.Points)
                {
                    if (!double.IsFinite(p.X) || !double.IsFinite(p.Y)) continue;
                    // DXF y grows upwards, raster y downwards.
                    var pt = new SKPoint((float)(offX + (p.X - minX) * fit), (float)(height - (offY + (p.Y - minY) * fit)));
                    if (first) { builder.MoveTo(pt); first = false; } else builder.LineTo(pt);
                }
                if (s.Closed) builder.Close();
                using var path = builder.Detach();
                canvas.DrawPath(path, s.Filled ? fill : stroke);
            }
        }
        var rgba = bitmap.Bytes;
        var gray = new byte[width * height];
        for (int i = 0, j = 0; i < gray.Length; i++, j += 4)
            gray[i] = (byte)((rgba[j] * 77 + rgba[j + 1] * 150 + rgba[j + 2] * 29) >> 8);
        return new GrayImage(width, height, gray);
    }
}
