using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Boomerang.Server.Dedup2D.Precision;

/// <summary>The version gate's keys (reference §8.3 step 4): a drawing number from <c>meta</c>, or a file stem without its version suffix.</summary>
internal static partial class VersionGate
{
    public static readonly string[] Modes = ["off", "auto", "file_name", "meta"];
    private static readonly string[] MetaKeys = ["drawing_number", "drawing_no", "drawingNo", "drawingNumber", "drawing_id", "drawingId", "number"];

    public static string? MetaKey(JsonObject? v2)
    {
        if (v2?["meta"] is not JsonObject meta)
        {
            return null;
        }
        foreach (var key in MetaKeys)
        {
            if (meta[key] is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>().Trim() is { Length: > 0 } s)
            {
                return s;
            }
        }
        return null;
    }

    public static string? FileKey(string? fileName)
    {
        if (string.IsNullOrWhiteSpace(fileName))
        {
            return null;
        }
        var name = fileName.Replace('\\', '/');
        name = name[(name.LastIndexOf('/') + 1)..];
        var dot = name.LastIndexOf('.');
        var stem = (dot > 0 ? name[..dot] : name).Trim();
        var match = VersionSuffix().Match(stem);
        if (!match.Success)
        {
            return null;
        }
        var key = stem[..match.Index].TrimEnd(' ', '_', '-');
        return key.Length == 0 ? null : key;
    }

    [GeneratedRegex(@"(?:[_\-\s]?v\d+)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex VersionSuffix();
}
