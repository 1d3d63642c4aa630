using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Boomerang.Server.Dedup2D.BuiltIn;
using Boomerang.Server.Dedup2D.Storage;

namespace Boomerang.Server.Dedup2D.Index;

/// <summary>
/// The index listing's <c>next_cursor</c>: an opaque token naming the position after the page's last drawing (indexed-at
/// and file hash), bound to the tenant it was given to by a tag over both, so another tenant's cursor is refused
/// rather than read. A cursor keeps working when the drawing it names is deleted.
/// </summary>
internal static class IndexCursor
{
    private const string Prefix = "i1.";
    private const int MaxLength = 200;

    public static string After(string tenantId, DrawingPosition last)
    {
        var body = $"{last.IndexedAt.ToString("R", CultureInfo.InvariantCulture)}|{last.FileHash}";
        return Prefix + Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{body}|{Tag(tenantId, body)}"));
    }

    /// <summary>The position the cursor names, or null when it is not a cursor this tenant was given.</summary>
    public static DrawingPosition? Read(string cursor, string tenantId)
    {
        if (!cursor.StartsWith(Prefix, StringComparison.Ordinal) || cursor.Length > MaxLength)
        {
            return null;
        }
        string text;
        try
        {
            text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor.AsSpan(Prefix.Length)));
        }
        catch (FormatException)
        {
            return null;
        }
        var parts = text.Split('|');
        if (parts.Length != 3 || !double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var at)
            || !double.IsFinite(at) || !Dedup2DStore.IsSha256(parts[1]))
        {
            return null;
        }
        var expected = Tag(tenantId, $"{parts[0]}|{parts[1]}");
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(parts[2]), Encoding.ASCII.GetBytes(expected))
            ? new DrawingPosition(at, parts[1]) : null;
    }

    private static string Tag(string tenantId, string body) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"dedup2d-index-cursor|{tenantId}|{body}")))[..16];
}
