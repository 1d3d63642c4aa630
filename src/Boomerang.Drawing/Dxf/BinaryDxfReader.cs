using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Boomerang.Drawing.Decoding;

namespace Boomerang.Drawing.Dxf;

/// <summary>
/// Reads a binary DXF (sentinel <c>"AutoCAD Binary DXF\r\n\x1a\0"</c>) into the group-code/value text of an ASCII DXF, so
/// the one <see cref="DxfReader"/> builds the same <see cref="DxfDocument"/> from either. Group codes are 2-byte
/// little-endian (R13 and later) or 1 byte with 255 escaping a 2-byte code (R12); which one is told by the first
/// group (<c>0 SECTION</c>). Values are typed by group code: strings null-terminated, doubles 8 bytes, 16/32/64-bit
/// integers, 1-byte booleans, binary chunks (310–319, 1004) a length byte then the data. Every read is bounds-checked:
/// a truncated or malformed file is a 422, never an exception of another kind.
/// </summary>
public static class BinaryDxfReader
{
    private static readonly byte[] Sentinel = "AutoCAD Binary DXF\r\n\u001a\0"u8.ToArray();
    private static readonly UTF8Encoding Utf8 = new(false, throwOnInvalidBytes: true);
    private static readonly Encoding Latin1 = Encoding.Latin1;

    /// <summary>Whether the bytes start with the binary DXF sentinel.</summary>
    public static bool IsBinary(ReadOnlySpan<byte> bytes) => bytes.StartsWith(Sentinel);

    /// <summary>The file as ASCII DXF bytes (UTF-8); refuses output larger than 4× <see cref="DrawingLimits.MaxFileBytes"/>.</summary>
    public static byte[] ToAscii(ReadOnlySpan<byte> bytes, DrawingLimits limits)
    {
        if (!IsBinary(bytes)) throw DrawingFileException.Corrupt("Binary DXF: the file does not start with the binary DXF sentinel.");
        var pos = Sentinel.Length;
        if (bytes.Length < pos + 2) throw DrawingFileException.Corrupt("Binary DXF: the file ends right after its header (truncated).");
        // The first group is (0, "SECTION"): with 2-byte codes its second byte is 0, with 1-byte codes it is 'S'.
        var wideCodes = bytes[pos + 1] == 0;
        var maxOutput = Math.Max(1L << 20, limits.MaxFileBytes * 4);
        var text = new StringBuilder(Math.Min(bytes.Length * 2, 1 << 24));
        var sawEof = false;
        while (pos < bytes.Length)
        {
            var code = ReadCode(bytes, ref pos, wideCodes);
            var value = ReadValue(bytes, ref pos, code);
            text.Append(code.ToString(CultureInfo.InvariantCulture)).Append('\n').Append(value).Append('\n');
            if (text.Length > maxOutput) throw DrawingFileException.TooLarge("Binary DXF: the drawing expands beyond the size limit.");
            if (code == 0 && value == "EOF")
            {
                sawEof = true;
                break;
            }
        }
        if (!sawEof) text.Append("0\nEOF\n"); // as an ASCII file without EOF: the reader decides what a missing end means
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static int ReadCode(ReadOnlySpan<byte> b, ref int pos, bool wide)
    {
        if (wide || b[pos] == 255)
        {
            if (!wide) pos++;
            Need(b, pos, 2);
            var code = BinaryPrimitives.ReadInt16LittleEndian(b[pos..]);
            pos += 2;
            if (code < 0) throw DrawingFileException.Corrupt($"Binary DXF: negative group code {code} at byte {pos - 2}.");
            return code;
        }
        return b[pos++];
    }

    private static string ReadValue(ReadOnlySpan<byte> b, ref int pos, int code)
    {
        switch (TypeOf(code))
        {
            case ValueType.Double:
                Need(b, pos, 8);
                var d = BinaryPrimitives.ReadDoubleLittleEndian(b[pos..]);
                pos += 8;
                return double.IsFinite(d) ? d.ToString("R", CultureInfo.InvariantCulture) : "0";
            case ValueType.Int16:
                Need(b, pos, 2);
                var s = BinaryPrimitives.ReadInt16LittleEndian(b[pos..]);
                pos += 2;
                return s.ToString(CultureInfo.InvariantCulture);
            case ValueType.Int32:
                Need(b, pos, 4);
                var i = BinaryPrimitives.ReadInt32LittleEndian(b[pos..]);
                pos += 4;
                return i.ToString(CultureInfo.InvariantCulture);
            case ValueType.Int64:
                Need(b, pos, 8);
                var l = BinaryPrimitives.ReadInt64LittleEndian(b[pos..]);
                pos += 8;
                return l.ToString(CultureInfo.InvariantCulture);
            case ValueType.Bool:
                Need(b, pos, 1);
                return b[pos++] != 0 ? "1" : "0";
            case ValueType.Binary:
                Need(b, pos, 1);
                var length = b[pos++];
                Need(b, pos, length);
                var hex = Convert.ToHexString(b.Slice(pos, length));
                pos += length;
                return hex;
            default:
                var end = b[pos..].IndexOf((byte)0);
                if (end < 0) throw DrawingFileException.Corrupt($"Binary DXF: a string value of group {code} is not terminated (truncated).");
                var raw = b.Slice(pos, end);
                pos += end + 1;
                // R2007+ files are UTF-8; older ones use the drawing's code page, read here as Latin-1.
                string str;
                try
                {
                    str = Utf8.GetString(raw);
                }
                catch (DecoderFallbackException)
                {
                    str = Latin1.GetString(raw);
                }
                // One value per line in the text form: a line break inside a value would shift every later pair.
                return str.Replace('\r', ' ').Replace('\n', ' ');
        }
    }

    private static void Need(ReadOnlySpan<byte> b, int pos, int count)
    {
        if (pos + count > b.Length) throw DrawingFileException.Corrupt($"Binary DXF: the file ends inside a value at byte {pos} (truncated).");
    }

    private enum ValueType { String, Double, Int16, Int32, Int64, Bool, Binary }

    /// <summary>The value type of a group code, as the DXF reference assigns them.</summary>
    private static ValueType TypeOf(int code) => code switch
    {
        >= 10 and <= 59 => ValueType.Double,
        >= 60 and <= 79 => ValueType.Int16,
        >= 90 and <= 99 => ValueType.Int32,
        >= 110 and <= 149 => ValueType.Double,
        >= 160 and <= 169 => ValueType.Int64,
        >= 170 and <= 179 => ValueType.Int16,
        >= 210 and <= 239 => ValueType.Double,
        >= 270 and <= 289 => ValueType.Int16,
        >= 290 and <= 299 => ValueType.Bool,
        >= 310 and <= 319 => ValueType.Binary,
        >= 370 and <= 389 => ValueType.Int16,
        >= 400 and <= 409 => ValueType.Int16,
        >= 420 and <= 429 => ValueType.Int32,
        >= 440 and <= 459 => ValueType.Int32,
        >= 460 and <= 469 => ValueType.Double,
        1004 => ValueType.Binary,
        >= 1010 and <= 1059 => ValueType.Double,
        >= 1060 and <= 1070 => ValueType.Int16,
        1071 => ValueType.Int32,
        _ => ValueType.String,
    };
}
