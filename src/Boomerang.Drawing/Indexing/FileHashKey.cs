using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Boomerang.Drawing.Indexing;

/// <summary>A file hash in 32 bytes instead of a 64-character string: the SHA-256 itself when the hash is 64 lowercase
/// hex digits (what index/add stores), otherwise the SHA-256 of the text (the index then keeps the text aside).</summary>
internal readonly record struct FileHashKey(ulong A, ulong B, ulong C, ulong D)
{
    public static FileHashKey From(string fileHash, out bool isHex)
    {
        Span<byte> bytes = stackalloc byte[32];
        isHex = fileHash.Length == 64 && IsLowerHex(fileHash) && Convert.FromHexString(fileHash, bytes, out _, out _) == System.Buffers.OperationStatus.Done;
        if (!isHex) SHA256.HashData(Encoding.UTF8.GetBytes(fileHash), bytes);
        return new FileHashKey(BinaryPrimitives.ReadUInt64BigEndian(bytes), BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]),
            BinaryPrimitives.ReadUInt64BigEndian(bytes[16..]), BinaryPrimitives.ReadUInt64BigEndian(bytes[24..]));
    }

    /// <summary>The 64 hex digits (for a key made from hex).</summary>
    public string ToHex()
    {
        Span<byte> bytes = stackalloc byte[32];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, A);
        BinaryPrimitives.WriteUInt64BigEndian(bytes[8..], B);
        BinaryPrimitives.WriteUInt64BigEndian(bytes[16..], C);
        BinaryPrimitives.WriteUInt64BigEndian(bytes[24..], D);
        return Convert.ToHexStringLower(bytes);
    }

    private static bool IsLowerHex(string s)
    {
        foreach (var c in s) if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c)) return false;
        return true;
    }
}
