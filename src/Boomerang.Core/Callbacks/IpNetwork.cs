using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Boomerang.Callbacks;

/// <summary>An IPv4 or IPv6 network in CIDR notation, such as <c>10.0.0.0/8</c> or <c>fc00::/7</c>.</summary>
public sealed class IpNetwork
{
    private readonly UInt128 _network;
    private readonly UInt128 _mask;

    private IpNetwork(IPAddress baseAddress, int prefixLength, UInt128 network, UInt128 mask)
    {
        BaseAddress = baseAddress;
        PrefixLength = prefixLength;
        _network = network;
        _mask = mask;
    }

    /// <summary>The first address of the network.</summary>
    public IPAddress BaseAddress { get; }

    /// <summary>The number of leading bits that identify the network.</summary>
    public int PrefixLength { get; }

    /// <summary>
    /// Parses <c>address/prefix</c>; a bare address means a single host (/32 or /128). IPv4 must be a
    /// plain dotted quad, and the address must not have bits set past the prefix.
    /// </summary>
    /// <exception cref="FormatException">The text is not such a network.</exception>
    public static IpNetwork Parse(string text) =>
        TryParse(text, out var network, out var error)
            ? network
            : throw new FormatException($"'{text}' is not a valid CIDR network: {error}.");

    /// <summary>Parses like <see cref="Parse"/>, returning false instead of throwing.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out IpNetwork? network) =>
        TryParse(text, out network, out _);

    /// <summary>
    /// True when <paramref name="address"/> is inside this network. An IPv4-mapped IPv6 address
    /// (<c>::ffff:a.b.c.d</c>) is compared as the IPv4 address it carries, and the other way round.
    /// </summary>
    public bool Contains(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var family = BaseAddress.AddressFamily;
        if (address.AddressFamily == AddressFamily.InterNetworkV6 && address.IsIPv4MappedToIPv6 && family == AddressFamily.InterNetwork)
        {
            address = address.MapToIPv4();
        }
        else if (address.AddressFamily == AddressFamily.InterNetwork && family == AddressFamily.InterNetworkV6)
        {
            address = address.MapToIPv6();
        }

        if (address.AddressFamily != family)
        {
            return false;
        }

        return (Bits(address) & _mask) == _network;
    }

    /// <inheritdoc />
    public override string ToString() => $"{BaseAddress}/{PrefixLength.ToString(CultureInfo.InvariantCulture)}";

    private static bool TryParse(string? text, [NotNullWhen(true)] out IpNetwork? network, out string error)
    {
        network = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "it is empty";
            return false;
        }

        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var addressText = slash < 0 ? text : text[..slash];
        if (addressText.Contains('%', StringComparison.Ordinal) || !IPAddress.TryParse(addressText, out var address))
        {
            error = "the address part is not an IP address";
            return false;
        }

        // IPAddress.TryParse also takes "10", "0x7f.1" and "010.0.0.0" (octal); in configuration those are typos.
        if (address.AddressFamily == AddressFamily.InterNetwork && address.ToString() != addressText)
        {
            error = "an IPv4 address must be written as a plain dotted quad";
            return false;
        }

        var width = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        var prefix = width;
        if (slash >= 0 && !(int.TryParse(text.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out prefix) && prefix <= width))
        {
            error = $"the prefix length must be a number from 0 to {width}";
            return false;
        }

        var mask = MaskFor(prefix, width);
        var bits = Bits(address);
        if ((bits & mask) != bits)
        {
            error = "the address has bits set past the prefix length";
            return false;
        }

        network = new IpNetwork(address, prefix, bits, mask);
        error = "";
        return true;
    }

    private static UInt128 Bits(IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetwork ? IpBits.ToUInt32(address) : IpBits.ToUInt128(address);

    private static UInt128 MaskFor(int prefix, int width)
    {
        if (prefix == 0)
        {
            return UInt128.Zero;
        }

        var all = width == 32 ? (UInt128)uint.MaxValue : UInt128.MaxValue;
        return (all << (width - prefix)) & all;
    }
}
