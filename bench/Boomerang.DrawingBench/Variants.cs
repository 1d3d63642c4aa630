using Boomerang.Drawing.Decoding;
using Boomerang.Drawing.Dxf;
using SkiaSharp;

namespace Boomerang.DrawingBench;

/// <summary>How a query relates to the indexed drawing it was made from.</summary>
internal enum Variant { DupResolution, DupJpeg60, DupShiftScale, DupLineWeight, DupScanNoise, DupPdf, Revision, Unrelated }

/// <summary>Raster versions of a drawing, as an archive would hold them.</summary>
internal static class Variants
{
    public const int PageWidth = 2000;
    public const int PageHeight = 1414;
    private static readonly DrawingLimits Limits = new();

    public static GrayImage Original(DxfDocument doc) => DxfRenderer.RenderPage(doc, Limits, PageWidth, PageHeight, 2f);

    /// <summary>Returns the query image (or encoded bytes to decode, for JPEG and PDF).</summary>
    public static (GrayImage? Image, byte[]? Bytes) Make(Variant v, DxfDocument doc, Random rng)
    {
        switch (v)
        {
            case Variant.DupResolution:
                return (DxfRenderer.RenderPage(doc, Limits, 1200, 848, 1.2f), null);
            case Variant.DupJpeg60:
                return (null, Encode(Original(doc), SKEncodedImageFormat.Jpeg, 60));
            case Variant.DupShiftScale:
                var s = 1 + Sign(rng) * (0.01 + 0.02 * rng.NextDouble());
                return (DxfRenderer.RenderPage(doc, Limits, PageWidth, PageHeight, 2f, s * 0.97,
                    Sign(rng) * (0.01 + 0.02 * rng.NextDouble()) * 0.5, Sign(rng) * (0.01 + 0.02 * rng.NextDouble()) * 0.5), null);
            case Variant.DupLineWeight:
                return (DxfRenderer.RenderPage(doc, Limits, PageWidth, PageHeight, 5f), null);
            case Variant.DupScanNoise:
                return (ScanNoise(Original(doc), rng), null);
            case Variant.DupPdf:
                return (null, Pdf(doc));
            default:
                throw new ArgumentOutOfRangeException(nameof(v));
        }
    }

    private static int Sign(Random rng) => rng.Next(2) == 0 ? -1 : 1;

    // Gray paper, sensor noise, dust specks and slightly faded ink.
    private static GrayImage ScanNoise(GrayImage img, Random rng)
    {
        var px = (byte[])img.Pixels.Clone();
        for (var i = 0; i < px.Length; i++)
        {
            var v = px[i] * 0.85 + 25 + (rng.NextDouble() + rng.NextDouble() + rng.NextDouble() - 1.5) * 30;
            if (rng.NextDouble() < 0.002) v = rng.Next(0, 80);
            px[i] = (byte)Math.Clamp(v, 0, 255);
        }
        return new GrayImage(img.Width, img.Height, px);
    }

    public static byte[] Encode(GrayImage img, SKEncodedImageFormat format, int quality)
    {
        using var bmp = ToBitmap(img);
        using var image = SKImage.FromBitmap(bmp);
        using var data = image.Encode(format, quality);
        return data.ToArray();
    }

    private static SKBitmap ToBitmap(GrayImage img)
    {
        var bmp = new SKBitmap(new SKImageInfo(img.Width, img.Height, SKColorType.Gray8, SKAlphaType.Opaque));
        System.Runtime.InteropServices.Marshal.Copy(img.Pixels, 0, bmp.GetPixels(), img.Pixels.Length);
        return bmp;
    }

    // A PDF holding the drawing as a page image (A3 landscape, in points), as a scanner writes it.
    private static byte[] Pdf(DxfDocument doc)
    {
        var img = DxfRenderer.RenderPage(doc, Limits, 1684, 1190, 1.5f);
        using var bmp = ToBitmap(img);
        using var stream = new MemoryStream();
        using (var pdf = SKDocument.CreatePdf(stream))
        {
            var canvas = pdf.BeginPage(1190, 842);
            using var image = SKImage.FromBitmap(bmp);
            canvas.DrawImage(image, new SKRect(0, 0, 1190, 842), new SKSamplingOptions(SKFilterMode.Linear));
            pdf.EndPage();
            pdf.Close();
        }
        return stream.ToArray();
    }
}
