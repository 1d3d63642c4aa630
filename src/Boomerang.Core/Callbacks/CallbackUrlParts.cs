namespace Boomerang.Callbacks;

/// <summary>
/// A URL split as written (like Python's urlsplit), before System.Uri lower-cases or canonicalises
/// anything, so the normalised URL keeps the host and port exactly as the client gave them.
/// </summary>
internal sealed record CallbackUrlParts(string Scheme, string Authority, string Path, string Query)
{
    /// <summary>Splits <c>scheme:[//authority]path[?query][#fragment]</c>; false when there is no scheme.</summary>
    public static bool TrySplit(string url, out CallbackUrlParts parts)
    {
        parts = new CallbackUrlParts("", "", "", "");
        var colon = url.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || !IsScheme(url.AsSpan(0, colon)))
        {
            return false;
        }

        var rest = url[(colon + 1)..];
        var hash = rest.IndexOf('#', StringComparison.Ordinal);
        if (hash >= 0)
        {
            rest = rest[..hash];
        }

        var authority = "";
        if (rest.StartsWith("//", StringComparison.Ordinal))
        {
            var end = rest.IndexOfAny(['/', '?'], 2);
            end = end < 0 ? rest.Length : end;
            authority = rest[2..end];
            rest = rest[end..];
        }

        var question = rest.IndexOf('?', StringComparison.Ordinal);
        var path = question < 0 ? rest : rest[..question];
        var query = question < 0 ? "" : rest[(question + 1)..];
        parts = new CallbackUrlParts(url[..colon].ToLowerInvariant(), authority, path, query);
        return true;
    }

    /// <summary>Lower-case scheme, authority as given, <c>/</c> for an empty path, non-empty query kept, no fragment.</summary>
    public string Normalize() =>
        $"{Scheme}://{Authority}{(Path.Length == 0 ? "/" : Path)}{(Query.Length == 0 ? "" : "?" + Query)}";

    private static bool IsScheme(ReadOnlySpan<char> scheme)
    {
        if (!char.IsAsciiLetter(scheme[0]))
        {
            return false;
        }

        foreach (var c in scheme)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('+' or '-' or '.'))
            {
                return false;
            }
        }

        return true;
    }
}
