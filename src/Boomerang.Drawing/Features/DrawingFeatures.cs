namespace Boomerang.Drawing.Features;

/// <summary>What the index keeps per drawing: two 64-bit perceptual hashes (L1) and an 896-byte descriptor (L2).</summary>
public sealed record DrawingFeatures(ulong PHash, ulong DHash, byte[] Descriptor)
{
    /// <summary>Descriptor length: a 16×16 blurred ink-density grid, 4×4 cells × 8 edge-orientation bins, and a 64×64
    /// one-bit ink map.</summary>
    public const int DescriptorLength = DensityCells + EdgeCells + InkMapBytes;
    internal const int DensityCells = 256;
    internal const int EdgeCells = 128;
    internal const int InkMapSide = 64;
    internal const int InkMapBytes = InkMapSide * InkMapSide / 8;

    /// <summary>Serialised form (8 + 8 + 896 bytes) for storage.</summary>
    public byte[] ToBytes()
    {
        var bytes = new byte[16 + DescriptorLength];
        BitConverter.TryWriteBytes(bytes.AsSpan(0, 8), PHash);
        BitConverter.TryWriteBytes(bytes.AsSpan(8, 8), DHash);
        Descriptor.CopyTo(bytes, 16);
        return bytes;
    }

    /// <summary>Reads <see cref="ToBytes"/>; null when the bytes are not a feature record of this version.</summary>
    public static DrawingFeatures? FromBytes(ReadOnlySpan<byte> bytes) =>
        bytes.Length != 16 + DescriptorLength ? null
            : new DrawingFeatures(BitConverter.ToUInt64(bytes[..8]), BitConverter.ToUInt64(bytes[8..16]), bytes[16..].ToArray());
}
