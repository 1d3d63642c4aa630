using System.Globalization;
using System.Net;

namespace Boomerang.Callbacks;

/// <summary>Exact host names plus <c>*.example.com</c> entries meaning any subdomain of example.com.</summary>
internal sealed class HostAllowlist
{
    private readonly HashSet<string> _exact = new(StringComparer.Ordinal);
    private readonly List<string> _suffixes = [];

    public HostAllowlist(IEnumerable<string> entries)
    {
        foreach (var raw in entries)
        {
            var entry = raw?.Trim().ToLowerInvariant() ?? "";
            if (entry.Length == 0)
            {
                continue;
            }

            var wildcard = entry.StartsWith("*.", StringComparison.Ordinal);
            var name = Canonical(wildcard ? entry[2..] : entry, raw!);
            if (wildcard)
            {
                _suffixes.Add("." + name);
            }
            else
            {
                _exact.Add(name);
            }
        }
    }

    public bool IsEmpty => _exact.Count == 0 && _suffixes.Count == 0;

    /// <summary><paramref name="host"/> must already be lower-case ASCII, as <see cref="CallbackUrlTarget.Host"/> is.</summary>
    public bool Matches(string host) =>
        _exact.Contains(host) ||
        _suffixes.Exists(s => host.Length > s.Length && host.EndsWith(s, StringComparison.Ordinal));

    private static string Canonical(string name, string entry)
    {
        var unbracketed = name.StartsWith('[') && name.EndsWith(']') ? name[1..^1] : name;
        if (unbracketed.Contains(':', StringComparison.Ordinal) && IPAddress.TryParse(unbracketed, out var v6))
        {
            return v6.ToString();
        }

        if (name.Length == 0 || name.Contains('*', StringComparison.Ordinal) || name.Contains(':', StringComparison.Ordinal) || name.Contains('/', StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"Allowlist entry '{entry}' is not a host name or '*.' followed by a host name (no ports, paths or inner wildcards).",
                nameof(entry));
        }

        try
        {
            return name.Any(c => c > '\x7f') ? new IdnMapping().GetAscii(name) : name;
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException($"Allowlist entry '{entry}' is not a valid international host name.", nameof(entry), ex);
        }
    }
}
