using SkiaSharp;

namespace Boomerang.Drawing.Decoding;

/// <summary>PNG, JPEG, WebP, BMP and GIF (first frame) through SkiaSharp's codecs. The header is read first and the
/// dimensions checked against <see cref="DrawingLimits"/> before a single pixel is decoded.</summary>
internal static class RasterDecoder
{
    // Large rasters are decoded straight to a smaller size where the codec can (JPEG 1/2, 1/4, 1/8); features never
    // need more than this.
    private const int PreferredLongSide = 2048;

    /// <summary>Long side of the raster handed to feature extraction and diffs (the normaliser works at this size).</summary>
    internal const int WorkingLongSide = 1024;

    public static GrayImage Decode(ReadOnlySpan<byte> bytes, DrawingLimits limits)
    {
        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data) ?? throw DrawingFileException.Corrupt("The image header cannot be read (corrupt or truncated file).");
        var info = codec.Info;
        if (info.Width <= 0 || info.Height <= 0)
            throw DrawingFileException.Corrupt("The image has no pixels.");
        if (info.Width > limits.MaxDimension || info.Height > limits.MaxDimension || (long)info.Width * info.Height > limits.MaxPixels)
            throw DrawingFileException.TooLarge(
                $"The image is {info.Width}×{info.Height} pixels; the limit is {limits.MaxPixels:N0} pixels and {limits.MaxDimension} per side.");

        var scale = Math.Min(1f, (float)PreferredLongSide / Math.Max(info.Width, info.Height));
        var size = scale < 1f ? codec.GetScaledDimensions(scale) : new SKSizeI(info.Width, info.Height);
        GrayImage full;
        if (codec.Info.ColorType == SKColorType.Gray8)
        {
            // Gray sources (most scans and plots) decode straight to one byte per pixel.
            var pixels = new byte[size.Width * size.Height];
            Check(Decode(codec, new SKImageInfo(size.Width, size.Height, SKColorType.Gray8, SKAlphaType.Opaque), pixels));
            full = new GrayImage(size.Width, size.Height, pixels);
        }
        else
        {
            using var decoded = new SKBitmap(new SKImageInfo(size.Width, size.Height, SKColorType.Rgba8888, SKAlphaType.Premul));
            Check(codec.GetPixels(decoded.Info, decoded.GetPixels()));
            full = ToGray(decoded.GetPixelSpan(), size.Width, size.Height);
        }
        return Shrink(full, WorkingLongSide);
    }

    private static unsafe SKCodecResult Decode(SKCodec codec, SKImageInfo info, byte[] into)
    {
        fixed (byte* p = into) return codec.GetPixels(info, (IntPtr)p);
    }

    private static void Check(SKCodecResult result)
    {
        if (result == SKCodecResult.IncompleteInput || result == SKCodecResult.ErrorInInput)
            throw DrawingFileException.Corrupt("The image data is truncated or damaged.");
        if (result != SKCodecResult.Success)
            throw DrawingFileException.Corrupt($"The image cannot be decoded ({result}).");
    }

    /// <summary>Integer box average down to at most <paramref name="longSide"/> (area averaging keeps thin lines as
    /// lighter ink instead of dropping them; far cheaper than a mipmapped resample).</summary>
    internal static GrayImage Shrink(GrayImage image, int longSide)
    {
        var f = (int)Math.Ceiling(Math.Max(image.Width, image.Height) / (double)longSide);
        if (f <= 1) return image;
        int w = image.Width / f, h = image.Height / f;
        if (w == 0 || h == 0) return image;
        var src = image.Pixels;
        var sums = new int[w];
        var dst = new byte[w * h];
        var area = f * f;
        for (var y = 0; y < h; y++)
        {
            Array.Clear(sums);
            for (var dy = 0; dy < f; dy++)
            {
                var row = (y * f + dy) * image.Width;
                for (var x = 0; x < w; x++)
                {
                    var o = row + x * f;
                    var s = 0;
                    for (var dx = 0; dx < f; dx++) s += src[o + dx];
                    sums[x] += s;
                }
            }
            var outRow = y * w;
            for (var x = 0; x < w; x++) dst[outRow + x] = (byte)((sums[x] + area / 2) / area);
        }
        return new GrayImage(w, h, dst);
    }


    // Luma of premultiplied RGBA composited over white paper (transparent regions read as blank).
    private static GrayImage ToGray(ReadOnlySpan<byte> rgba, int width, int height)
    {
        var gray = new byte[width * height];
        for (int i = 0, j = 0; i < gray.Length; i++, j += 4)
            gray[i] = (byte)Math.Min(255, ((rgba[j] * 77 + rgba[j + 1] * 150 + rgba[j + 2] * 29) >> 8) + 255 - rgba[j + 3]);
        return new GrayImage(width, height, gray);
    }
}
