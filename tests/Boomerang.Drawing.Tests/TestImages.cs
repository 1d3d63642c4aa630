using System.Buffers.Binary;
using SkiaSharp;

namespace Boomerang.Drawing.Tests;

/// <summary>Real files in every format, made in the test: Skia encoders where Skia has them, hand-written BMP and GIF
/// writers where it does not.</summary>
internal static class TestImages
{
    /// <summary>A white page with a black filled rectangle in its left half and a thin frame.</summary>
    public static SKBitmap Page(int width = 400, int height = 300)
    {
        var bmp = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using var canvas = new SKCanvas(bmp);
        canvas.Clear(SKColors.White);
        using var paint = new SKPaint { Color = SKColors.Black, Style = SKPaintStyle.Fill };
        canvas.DrawRect(new SKRect(width * 0.1f, height * 0.2f, width * 0.4f, height * 0.8f), paint);
        using var line = new SKPaint { Color = SKColors.Black, Style = SKPaintStyle.Stroke, StrokeWidth = 2 };
        canvas.DrawRect(new SKRect(2, 2, width - 3, height - 3), line);
        return bmp;
    }

    public static byte[] Encode(SKBitmap bmp, SKEncodedImageFormat format, int quality = 90)
    {
        using var image = SKImage.FromBitmap(bmp);
        using var data = image.Encode(format, quality) ?? throw new InvalidOperationException($"Skia cannot encode {format}");
        return data.ToArray();
    }

    public static byte[] Png(SKBitmap bmp) => Encode(bmp, SKEncodedImageFormat.Png, 100);

    public static byte[] Bmp(SKBitmap bmp)
    {
        int w = bmp.Width, h = bmp.Height, stride = (w * 3 + 3) & ~3;
        var file = new byte[54 + stride * h];
        "BM"u8.CopyTo(file);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(2), file.Length);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(10), 54);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(14), 40);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(18), w);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(22), h);
        BinaryPrimitives.WriteInt16LittleEndian(file.AsSpan(26), 1);
        BinaryPrimitives.WriteInt16LittleEndian(file.AsSpan(28), 24);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(34), stride * h);
        for (var y = 0; y < h; y++)
            for (var x = 0; x < w; x++)
            {
                var c = bmp.GetPixel(x, h - 1 - y);
                var o = 54 + y * stride + x * 3;
                (file[o], file[o + 1], file[o + 2]) = (c.Blue, c.Green, c.Red);
            }
        return file;
    }

    /// <summary>A GIF89a with a 256-level gray palette and uncompressed LZW (a clear code every 200 pixels).</summary>
    public static byte[] Gif(SKBitmap bmp)
    {
        var o = new List<byte>();
        o.AddRange("GIF89a"u8.ToArray());
        void U16(int v) { o.Add((byte)v); o.Add((byte)(v >> 8)); }
        U16(bmp.Width); U16(bmp.Height);
        o.Add(0xF7); o.Add(0); o.Add(0);
        for (var i = 0; i < 256; i++) { o.Add((byte)i); o.Add((byte)i); o.Add((byte)i); }
        o.Add(0x2C); U16(0); U16(0); U16(bmp.Width); U16(bmp.Height); o.Add(0);
        o.Add(8);
        var bits = new List<byte>();
        int acc = 0, n = 0;
        void Code(int c) { acc |= c << n; n += 9; while (n >= 8) { bits.Add((byte)acc); acc >>= 8; n -= 8; } }
        var count = 0;
        for (var y = 0; y < bmp.Height; y++)
            for (var x = 0; x < bmp.Width; x++)
            {
                if (count++ % 200 == 0) Code(256);
                Code(bmp.GetPixel(x, y).Red);
            }
        Code(257);
        if (n > 0) bits.Add((byte)acc);
        for (var i = 0; i < bits.Count; i += 255)
        {
            var len = Math.Min(255, bits.Count - i);
            o.Add((byte)len);
            o.AddRange(bits.GetRange(i, len));
        }
        o.Add(0); o.Add(0x3B);
        return [.. o];
    }

    public static byte[] Pdf(SKBitmap bmp)
    {
        using var stream = new MemoryStream();
        using (var doc = SKDocument.CreatePdf(stream))
        {
            var canvas = doc.BeginPage(bmp.Width, bmp.Height);
            using (var img = SKImage.FromBitmap(bmp)) canvas.DrawImage(img, 0, 0, new SKSamplingOptions(SKFilterMode.Linear));
            doc.EndPage();
            doc.Close();
        }
        return stream.ToArray();
    }

    /// <summary>A PNG whose header claims <paramref name="width"/>×<paramref name="height"/> (CRC fixed up).</summary>
    public static byte[] PngClaiming(int width, int height)
    {
        using var bmp = Page(16, 16);
        var png = Png(bmp);
        BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(16), width);
        BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(20), height);
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(29), Crc32(png.AsSpan(12, 17)));
        return png;
    }

    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        }
        return ~crc;
    }
}
