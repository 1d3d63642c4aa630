using System.Runtime.InteropServices;
using SkiaSharp;

namespace Boomerang.Drawing.Decoding;

/// <summary>PNG, JPEG, WebP, BMP and GIF (first frame) through SkiaSharp's codecs. The header is read first and the
/// dimensions checked against <see cref="DrawingLimits"/> before a single pixel is decoded.</summary>
internal static class RasterDecoder
{
    // Large rasters are decoded straight to a smaller size where the codec can (JPEG 1/2, 1/4, 1/8); features never
    // need more than this.
    private const int PreferredLongSide = 2048;

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
        var target = new SKImageInfo(size.Width, size.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var rgba = new byte[target.BytesSize];
        var handle = GCHandle.Alloc(rgba, GCHandleType.Pinned);
        SKCodecResult result;
        try { result = codec.GetPixels(target, handle.AddrOfPinnedObject()); }
        finally { handle.Free(); }
        if (result == SKCodecResult.IncompleteInput || result == SKCodecResult.ErrorInInput)
            throw DrawingFileException.Corrupt("The image data is truncated or damaged.");
        if (result != SKCodecResult.Success)
            throw DrawingFileException.Corrupt($"The image cannot be decoded ({result}).");
        return ToGray(rgba, size.Width, size.Height);
    }

    // Luma composited over white paper, so transparent regions read as blank.
    private static GrayImage ToGray(byte[] rgba, int width, int height)
    {
        var gray = new byte[width * height];
        for (int i = 0, j = 0; i < gray.Length; i++, j += 4)
        {
            int luma = (rgba[j] * 77 + rgba[j + 1] * 150 + rgba[j + 2] * 29) >> 8;
            int a = rgba[j + 3];
            gray[i] = (byte)((luma * a + 255 * (255 - a)) / 255);
        }
        return new GrayImage(width, height, gray);
    }
}
