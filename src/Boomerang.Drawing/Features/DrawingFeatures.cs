namespace Boomerang.Drawing.Features;

/// <summary>What the index keeps per drawing: two 64-bit perceptual hashes (L1) and a 704-byte quantised descriptor
/// (L2).</summary>
public sealed record DrawingFeatures(ulong PHash, ulong DHash, byte[] Descriptor)
{
    /// <summary>Descriptor length: a 16×16 blurred ink-density grid and 4×4 cells × 8 edge-orientation bins, both as
    /// 4-bit values (two per byte), then a 64×64 one-bit ink map.</summary>
    public const int DescriptorLength = DensityBytes + EdgeBytes + InkMapBytes;
    internal const int DensityCells = 256;
    internal const int EdgeCells = 128;
    internal const int DensityBytes = DensityCells / 2;
    internal const int EdgeBytes = EdgeCells / 2;
    internal const int InkMapOffset = DensityBytes + EdgeBytes;
    internal const int InkMapSide = 64;
    internal const int InkMapBytes = InkMapSide * InkMapSide / 8;

    /// <summary>Format marker of <see cref="ToBytes"/>.</summary>
    internal const byte Version = 2;
    private const int StoredLength = 1 + 16 + DescriptorLength;

    // Version 1 (first release): 8 + 8 bytes of hashes, then 256 density and 128 edge bytes at 8 bits, then the ink map.
    private const int V1Length = 16 + DensityCells + EdgeCells + InkMapBytes;

    /// <summary>Serialised form (1 + 8 + 8 + 704 bytes) for storage.</summary>
    public byte[] ToBytes()
    {
        var bytes = new byte[StoredLength];
        bytes[0] = Version;
        BitConverter.TryWriteBytes(bytes.AsSpan(1, 8), PHash);
        BitConverter.TryWriteBytes(bytes.AsSpan(9, 8), DHash);
        Descriptor.CopyTo(bytes, 17);
        return bytes;
    }

    /// <summary>Reads <see cref="ToBytes"/> of this version or of version 1 (converted: its 8-bit grids are quantised to
    /// 4 bits, the same values this version computes); null when the bytes are neither.</summary>
    public static DrawingFeatures? FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length == StoredLength && bytes[0] == Version)
            return new DrawingFeatures(BitConverter.ToUInt64(bytes[1..9]), BitConverter.ToUInt64(bytes[9..17]), bytes[17..].ToArray());
        if (bytes.Length != V1Length) return null;
        var descriptor = new byte[DescriptorLength];
        var v1 = bytes[16..];
        PackNibbles(v1[..DensityCells], descriptor.AsSpan(0, DensityBytes));
        PackNibbles(v1.Slice(DensityCells, EdgeCells), descriptor.AsSpan(DensityBytes, EdgeBytes));
        v1.Slice(DensityCells + EdgeCells, InkMapBytes).CopyTo(descriptor.AsSpan(InkMapOffset));
        return new DrawingFeatures(BitConverter.ToUInt64(bytes[..8]), BitConverter.ToUInt64(bytes[8..16]), descriptor);
    }

    /// <summary>8-bit values (0–255) to 4-bit values (0–15), two per byte, low nibble first.</summary>
    internal static void PackNibbles(ReadOnlySpan<byte> values, Span<byte> into)
    {
        for (var i = 0; i < into.Length; i++)
            into[i] = (byte)(Nibble(values[2 * i]) | (Nibble(values[2 * i + 1]) << 4));
    }

    private static int Nibble(byte v) => (v * 15 + 127) / 255;
}
