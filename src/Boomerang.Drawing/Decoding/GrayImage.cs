namespace Boomerang.Drawing.Decoding;

/// <summary>An 8-bit grayscale raster (0 = black ink, 255 = white paper), row-major.</summary>
public sealed class GrayImage(int width, int height, byte[] pixels)
{
    /// <summary>Width in pixels.</summary>
    public int Width => width;

    /// <summary>Height in pixels.</summary>
    public int Height => height;

    /// <summary>Row-major pixels, <c>Width × Height</c> bytes.</summary>
    public byte[] Pixels => pixels;

    /// <summary>A white image.</summary>
    public static GrayImage White(int width, int height)
    {
        var p = new byte[width * height];
        Array.Fill(p, (byte)255);
        return new GrayImage(width, height, p);
    }
}
