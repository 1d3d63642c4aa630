using System.Buffers.Binary;
using System.Text;

namespace Boomerang.Tests.Shared;

/// <summary>Builds an R12 binary DXF by hand (1-byte group codes), as the drawing engine's reader and the Dedup2D
/// index tests both need. Compiled into each test project that uses it.</summary>
internal sealed class BinaryDxfBuilder
{
    private readonly List<byte> _bytes = [.. "AutoCAD Binary DXF\r\n\u001a\0"u8];

    /// <summary>A string group: code, ASCII text, NUL.</summary>
    public BinaryDxfBuilder Str(int code, string value)
    {
        _bytes.Add((byte)code);
        _bytes.AddRange(Encoding.ASCII.GetBytes(value));
        _bytes.Add(0);
        return this;
    }

    /// <summary>A real-number group: code, 8-byte little-endian double.</summary>
    public BinaryDxfBuilder Dbl(int code, double value)
    {
        _bytes.Add((byte)code);
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteDoubleLittleEndian(bytes, value);
        _bytes.AddRange(bytes);
        return this;
    }

    public byte[] ToArray() => [.. _bytes];
}
