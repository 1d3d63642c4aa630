using System.Net;
using System.Net.Sockets;

namespace Boomerang.Callbacks;

/// <summary>
/// What a callback URL points at, read both as written (urlsplit-style) and as System.Uri, which the
/// HTTP client uses, reads it. Every address either reading yields is kept, so a host is judged by the
/// address it means whichever parser has the last word.
/// </summary>
/// <param name="NormalizedUrl">The URL to store and post to.</param>
/// <param name="Host">The host for allowlist matching: lower-case ASCII (IDNA) name, or canonical address.</param>
/// <param name="Addresses">The addresses the host denotes when it is an IP literal in any form; empty for a name.</param>
/// <param name="IsLoopbackName">The host is a name that always means this machine (<c>localhost</c>, <c>*.localhost</c>).</param>
internal sealed record CallbackUrlTarget(string NormalizedUrl, string Host, IReadOnlyList<IPAddress> Addresses, bool IsLoopbackName)
{
    /// <summary>Longest callback URL accepted, in characters.</summary>
    public const int MaxLength = 2048;

    /// <summary>Runs the structural rules in order; returns null and the user-facing error on the first failure.</summary>
    public static CallbackUrlTarget? Read(string? url, bool allowHttp, out string? error)
    {
        error = Structure(url, allowHttp, out var parts, out var rawHost, out var port);
        if (error is not null)
        {
            return null;
        }

        // A non-ASCII host is stored and dialled in the ASCII form it is judged in, so no later parser reads it otherwise.
        if (!rawHost.StartsWith('[') && rawHost.Any(c => c > '\x7f'))
        {
            var ascii = HostNames.ToAscii(rawHost, out var hostError);
            if (ascii is null)
            {
                error = NotValid(hostError!);
                return null;
            }
            rawHost = ascii;
            parts = parts with { Authority = ascii + port };
        }

        var normalized = parts.Normalize();
        if (!Uri.TryCreate(normalized, UriKind.Absolute, out var uri) ||
            uri.HostNameType is not (UriHostNameType.Dns or UriHostNameType.IPv4 or UriHostNameType.IPv6) ||
            uri.UserInfo.Length != 0 || !string.Equals(uri.Scheme, parts.Scheme, StringComparison.Ordinal))
        {
            error = NotValid("it cannot be parsed");
            return null;
        }

        var addresses = new List<IPAddress>();
        if (rawHost.StartsWith('['))
        {
            addresses.Add(ParseIPv6(rawHost[1..^1])!);
        }
        else if (NumericHost.TryParseIPv4(rawHost, out var fromRaw))
        {
            addresses.Add(fromRaw);
        }

        var host = uri.IdnHost.ToLowerInvariant();
        switch (uri.HostNameType)
        {
            case UriHostNameType.IPv4:
                addresses.Add(IPAddress.Parse(uri.Host));
                break;
            case UriHostNameType.IPv6:
                var v6 = ParseIPv6(host) ?? throw new InvalidOperationException($"System.Uri accepted IPv6 host '{host}' that IPAddress cannot parse.");
                addresses.Add(v6);
                host = v6.ToString();
                break;
            case UriHostNameType.Dns when NumericHost.TryParseIPv4(host, out var fromIdn):
                addresses.Add(fromIdn);
                break;
            case UriHostNameType.Dns when NumericHost.EndsInNumber(host):
                error = NotValid("its host ends in a number but is not an IPv4 address");
                return null;
        }

        return new CallbackUrlTarget(normalized, host, addresses.Distinct().ToArray(),
            uri.HostNameType == UriHostNameType.Dns && HostNames.IsLoopbackName(host));
    }

    private static string? Structure(string? url, bool allowHttp, out CallbackUrlParts parts, out string rawHost, out string port)
    {
        rawHost = "";
        port = "";
        var trimmed = url?.Trim() ?? "";
        if (trimmed.Length > MaxLength)
        {
            parts = new CallbackUrlParts("", "", "", "");
            return $"callback_url is longer than {MaxLength} characters";
        }
        if (!CallbackUrlParts.TrySplit(trimmed, out parts))
        {
            return trimmed.Length == 0 ? "callback_url is empty" : NotValid("it has no scheme");
        }

        if (parts.Scheme != "https" && !(allowHttp && parts.Scheme == "http"))
        {
            return $"callback_url scheme not allowed: {(parts.Scheme.Length <= 20 ? parts.Scheme : parts.Scheme[..20] + "…")}";
        }

        if (trimmed.Any(c => c <= ' ' || c == '\x7f'))
        {
            return NotValid("it contains whitespace or control characters");
        }

        if (trimmed.Contains('\\', StringComparison.Ordinal))
        {
            return NotValid("it contains a backslash");
        }

        if (parts.Authority.Contains('@', StringComparison.Ordinal))
        {
            return "callback_url must not include userinfo";
        }

        if (!TrySplitHostPort(parts.Authority, out rawHost, out port))
        {
            return NotValid("its IPv6 host has no closing bracket");
        }

        if (rawHost is "" or "[]")
        {
            return "callback_url missing hostname";
        }

        if (rawHost.StartsWith('[') ? ParseIPv6(rawHost[1..^1]) is null : !rawHost.All(IsHostChar))
        {
            return NotValid("its host is not a valid host name or IP address");
        }

        if (port.Length != 0 && (port[0] != ':' || !port[1..].All(char.IsAsciiDigit)))
        {
            return NotValid("its port is not a number");
        }

        if (port.Length > 1 && port[1..].All(c => c == '0'))
        {
            return NotValid("its port is 0");
        }

        return null;
    }

    /// <summary>Splits <c>host[:port]</c> or <c>[v6][:port]</c>; the port part keeps its colon.</summary>
    private static bool TrySplitHostPort(string authority, out string host, out string port)
    {
        var end = authority.StartsWith('[')
            ? authority.IndexOf(']', StringComparison.Ordinal) + 1
            : authority.IndexOf(':', StringComparison.Ordinal);
        if (end < 0)
        {
            end = authority.Length;
        }

        host = authority[..end];
        port = authority[end..];
        return end > 0 || !authority.StartsWith('[');
    }

    /// <summary>Parses a bracketed IPv6 literal's content; a zone (<c>%25eth0</c>) is ignored for judging.</summary>
    private static IPAddress? ParseIPv6(string text)
    {
        var zone = text.IndexOf('%', StringComparison.Ordinal);
        var bare = zone < 0 ? text : text[..zone];
        return IPAddress.TryParse(bare, out var address) && address.AddressFamily == AddressFamily.InterNetworkV6 ? address : null;
    }

    // Letters, digits, '-', '.', '_' and non-ASCII (IDN); '%', '\\' and the rest are where parsers disagree.
    private static bool IsHostChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' || c > '\x7f';

    private static string NotValid(string reason) => $"callback_url is not a valid absolute URL: {reason}";
}
