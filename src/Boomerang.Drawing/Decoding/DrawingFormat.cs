using System.Text;

namespace Boomerang.Drawing.Decoding;

/// <summary>File formats the engine recognises, detected from the bytes (the name only breaks ties for text formats).</summary>
public enum DrawingFormat
{
    /// <summary>Not a format the engine knows.</summary>
    Unknown,
    /// <summary>PNG image.</summary>
    Png,
    /// <summary>JPEG image.</summary>
    Jpeg,
    /// <summary>WebP image.</summary>
    WebP,
    /// <summary>BMP image.</summary>
    Bmp,
    /// <summary>GIF image.</summary>
    Gif,
    /// <summary>PDF document (first page).</summary>
    Pdf,
    /// <summary>ASCII DXF drawing.</summary>
    Dxf,
    /// <summary>Binary DXF drawing (not read).</summary>
    BinaryDxf,
    /// <summary>AutoCAD DWG drawing (needs a converter).</summary>
    Dwg,
}

internal static class DrawingFormatSniffer
{
    public static DrawingFormat Detect(ReadOnlySpan<byte> b, string? fileName)
    {
        if (b.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])) return DrawingFormat.Png;
        if (b.Length >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF) return DrawingFormat.Jpeg;
        if (b.Length >= 12 && b.StartsWith("RIFF"u8) && b[8..12].SequenceEqual("WEBP"u8)) return DrawingFormat.WebP;
        if (b.StartsWith("BM"u8) && b.Length >= 26) return DrawingFormat.Bmp;
        if (b.StartsWith("GIF87a"u8) || b.StartsWith("GIF89a"u8)) return DrawingFormat.Gif;
        if (b.StartsWith("%PDF-"u8)) return DrawingFormat.Pdf;
        if (b.StartsWith("AutoCAD Binary DXF"u8)) return DrawingFormat.BinaryDxf;
        if (b.Length >= 6 && b[0] == 'A' && b[1] == 'C' && b[2] >= '1' && b[2] <= '3' && char.IsAsciiDigit((char)b[3]))
            return DrawingFormat.Dwg;
        if (LooksLikeAsciiDxf(b, fileName)) return DrawingFormat.Dxf;
        return DrawingFormat.Unknown;
    }

    // An ASCII DXF starts with group code 0 and SECTION (after optional 999 comments); the name decides when the
    // head is unusual.
    private static bool LooksLikeAsciiDxf(ReadOnlySpan<byte> b, string? fileName)
    {
        var head = Encoding.ASCII.GetString(b[..Math.Min(b.Length, 2048)]);
        if (head.Contains("SECTION", StringComparison.Ordinal) && head.TrimStart().StartsWith('0')) return true;
        if (head.TrimStart().StartsWith("999", StringComparison.Ordinal) && head.Contains("SECTION", StringComparison.Ordinal)) return true;
        return fileName is not null && fileName.EndsWith(".dxf", StringComparison.OrdinalIgnoreCase) && head.Contains("SECTION", StringComparison.Ordinal);
    }
}
