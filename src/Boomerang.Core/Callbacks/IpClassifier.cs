using System.Net;
using System.Net.Sockets;

namespace Boomerang.Callbacks;

/// <summary>
/// Decides whether an address is one a callback must never reach: loopback, private, shared (CGNAT),
/// link-local (including cloud metadata at 169.254.169.254), multicast, reserved, documentation and
/// benchmarking ranges. IPv6 addresses that carry an IPv4 address (mapped, compatible, NAT64, 6to4,
/// Teredo) are judged by the IPv4 address they carry.
/// </summary>
public static class IpClassifier
{
    private static readonly IpNetwork[] BlockedV4 = Networks(
        "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
        "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15",
        "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4", "255.255.255.255/32");

    private static readonly IpNetwork[] BlockedV6 = Networks(
        "100::/64", "2001::/23", "2001:db8::/32", "2001:10::/28", "3fff::/20", "64:ff9b:1::/48",
        "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8");

    private static readonly IpNetwork GlobalUnicast = IpNetwork.Parse("2000::/3");
    private static readonly IpNetwork Nat64 = IpNetwork.Parse("64:ff9b::/96");
    private static readonly IpNetwork SixToFour = IpNetwork.Parse("2002::/16");
    private static readonly IpNetwork Teredo = IpNetwork.Parse("2001::/32");

    /// <summary>True when a callback must not connect to <paramref name="address"/>.</summary>
    public static bool IsBlocked(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return address.AddressFamily switch
        {
            AddressFamily.InterNetwork => IsBlockedV4(address),
            AddressFamily.InterNetworkV6 => IsBlockedV6(address),
            _ => true,
        };
    }

    private static bool IsBlockedV4(IPAddress address) => Array.Exists(BlockedV4, n => n.Contains(address));

    private static bool IsBlockedV6(IPAddress address)
    {
        var bits = IpBits.ToUInt128(address);
        var low32 = (uint)(bits & uint.MaxValue);

        // ::ffff:0:0/96 (mapped) and ::/96 (compatible, which also covers :: and ::1).
        if (bits >> 32 == 0xffff || bits >> 32 == 0)
        {
            return IsBlockedV4(IpBits.FromUInt32(low32));
        }

        if (Nat64.Contains(address))
        {
            return IsBlockedV4(IpBits.FromUInt32(low32));
        }

        if (SixToFour.Contains(address))
        {
            return IsBlockedV4(IpBits.FromUInt32((uint)((bits >> 80) & uint.MaxValue)));
        }

        if (Teredo.Contains(address))
        {
            var server = (uint)((bits >> 64) & uint.MaxValue);
            var client = ~low32;
            return IsBlockedV4(IpBits.FromUInt32(server)) || IsBlockedV4(IpBits.FromUInt32(client));
        }

        // Nothing outside 2000::/3 is publicly routed unicast (the remaining ::/8, 100::/8, fc00::/7, ...).
        return !GlobalUnicast.Contains(address) || Array.Exists(BlockedV6, n => n.Contains(address));
    }

    private static IpNetwork[] Networks(params string[] cidrs) => Array.ConvertAll(cidrs, IpNetwork.Parse);
}
