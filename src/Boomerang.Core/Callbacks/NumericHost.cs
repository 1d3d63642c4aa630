using System.Net;

namespace Boomerang.Callbacks;

/// <summary>
/// Reads a host the way inet_aton does, so <c>2130706433</c>, <c>0177.0.0.1</c>, <c>0x7f.1</c> and
/// <c>127.1</c> are all judged as 127.0.0.1 whatever a URL parser or resolver later makes of them.
/// </summary>
internal static class NumericHost
{
    /// <summary>Parses one to four dot-separated parts, each decimal, octal (leading 0) or hex (0x).</summary>
    public static bool TryParseIPv4(string host, out IPAddress address)
    {
        address = IPAddress.None;
        var parts = TrimOneTrailingDot(host).Split('.');
        if (parts.Length is < 1 or > 4)
        {
            return false;
        }

        var values = new ulong[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!TryParsePart(parts[i], out values[i]))
            {
                return false;
            }
        }

        // The last part fills every byte the earlier parts did not: a, a.b (8.24), a.b.c (8.8.16), a.b.c.d.
        var lastBits = 8 * (5 - parts.Length);
        ulong result = 0;
        for (var i = 0; i < parts.Length - 1; i++)
        {
            if (values[i] > 0xff)
            {
                return false;
            }

            result |= values[i] << (24 - (8 * i));
        }

        var last = values[^1];
        if (last >> lastBits != 0)
        {
            return false;
        }

        address = IpBits.FromUInt32((uint)(result | last));
        return true;
    }

    /// <summary>
    /// True when the last label is a number (digits, or 0x and hex digits). Such a host is meant as an IPv4
    /// address; when it is not a valid one it is rejected rather than sent to a resolver (as URL parsers do).
    /// </summary>
    public static bool EndsInNumber(string host)
    {
        var trimmed = TrimOneTrailingDot(host);
        var label = trimmed[(trimmed.LastIndexOf('.') + 1)..];
        if (label.Length == 0)
        {
            return false;
        }

        if (label.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            return label[2..].All(char.IsAsciiHexDigit);
        }

        return label.All(char.IsAsciiDigit);
    }

    private static string TrimOneTrailingDot(string host) => host.EndsWith('.') ? host[..^1] : host;

    private static bool TryParsePart(string part, out ulong value)
    {
        value = 0;
        if (part.Length == 0)
        {
            return false;
        }

        var (digits, radix) = part switch
        {
            _ when part.StartsWith("0x", StringComparison.OrdinalIgnoreCase) => (part[2..], 16),
            _ when part.Length > 1 && part[0] == '0' => (part[1..], 8),
            _ => (part, 10),
        };

        foreach (var c in digits)
        {
            var digit = c switch
            {
                >= '0' and <= '9' => c - '0',
                >= 'a' and <= 'f' => c - 'a' + 10,
                >= 'A' and <= 'F' => c - 'A' + 10,
                _ => int.MaxValue,
            };
            if (digit >= radix)
            {
                return false;
            }

            value = (value * (ulong)radix) + (ulong)digit;
            if (value > uint.MaxValue)
            {
                return false;
            }
        }

        return true;
    }
}
