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
        using var decoded = new SKBitmap(new SKImageInfo(size.Width, size.Height, SKColorType.Rgba8888, SKAlphaType.Premul));
        var result = codec.GetPixels(decoded.Info, decoded.GetPixels());
        if (result == SKCodecResult.IncompleteInput || result == SKCodecResult.ErrorInInput)
            throw DrawingFileException.Corrupt("The image data is truncated or damaged.");
        if (result != SKCodecResult.Success)
            throw DrawingFileException.Corrupt($"The image cannot be decoded ({result}).");
        // Down to the working size in native code (mipmapped, so thin lines average instead of dropping out); only this
        // smaller raster is touched per pixel in C#.
        var fit = Math.Min(1.0, (double)WorkingLongSide / Math.Max(size.Width, size.Height));
        if (fit >= 1.0) return ToGray(decoded.GetPixelSpan(), size.Width, size.Height);
        int w = Math.Max(1, (int)Math.Round(size.Width * fit)), h = Math.Max(1, (int)Math.Round(size.Height * fit));
        using var small = new SKBitmap(new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Premul));
        if (!decoded.ScalePixels(small, new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear)))
            throw DrawingFileException.Corrupt("The image cannot be resampled.");
        return ToGray(small.GetPixelSpan(), w, h);
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
