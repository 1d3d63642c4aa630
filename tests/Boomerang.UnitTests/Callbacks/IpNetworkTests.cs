using System.Net;
using Boomerang.Callbacks;

namespace Boomerang.UnitTests.Callbacks;

public sealed class IpNetworkTests
{
    [Theory]
    [InlineData("127.0.0.0/8", "127.0.0.0", "127.255.255.255", "128.0.0.0")]
    [InlineData("100.64.0.0/10", "100.64.0.0", "100.127.255.255", "100.128.0.0")]
    [InlineData("10.1.2.3", "10.1.2.3", "10.1.2.3", "10.1.2.4")]
    [InlineData("0.0.0.0/0", "0.0.0.0", "255.255.255.255", "::1")]
    [InlineData("fc00::/7", "fc00::", "fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "fe00::")]
    [InlineData("::1/128", "::1", "::1", "::2")]
    [InlineData("2000::/3", "2000::", "3fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "4000::")]
    public void Network_contains_its_first_and_last_address_and_not_the_next(string cidr, string first, string last, string outside)
    {
        var network = IpNetwork.Parse(cidr);

        Assert.True(network.Contains(IPAddress.Parse(first)));
        Assert.True(network.Contains(IPAddress.Parse(last)));
        Assert.False(network.Contains(IPAddress.Parse(outside)));
    }

    [Fact]
    public void IPv4_network_contains_the_IPv4_mapped_form_of_its_addresses_and_the_reverse()
    {
        Assert.True(IpNetwork.Parse("127.0.0.0/8").Contains(IPAddress.Parse("::ffff:127.0.0.1")));
        Assert.True(IpNetwork.Parse("::ffff:0:0/96").Contains(IPAddress.Parse("10.0.0.1")));
    }

    [Theory]
    [InlineData("127.0.0.0/8", "127.0.0.0/8")]
    [InlineData("10.1.2.3", "10.1.2.3/32")]
    [InlineData("FC00::/7", "fc00::/7")]
    public void Network_prints_in_CIDR_notation(string text, string expected)
    {
        Assert.Equal(expected, IpNetwork.Parse(text).ToString());
    }

    [Theory]
    [InlineData("", "it is empty")]
    [InlineData("localhost/8", "the address part is not an IP address")]
    [InlineData("fe80::%1/64", "the address part is not an IP address")]
    [InlineData("10/8", "an IPv4 address must be written as a plain dotted quad")]
    [InlineData("0x7f.0.0.0/8", "an IPv4 address must be written as a plain dotted quad")]
    [InlineData("010.0.0.0/8", "an IPv4 address must be written as a plain dotted quad")]
    [InlineData("10.0.0.0/33", "the prefix length must be a number from 0 to 32")]
    [InlineData("10.0.0.0/-1", "the prefix length must be a number from 0 to 32")]
    [InlineData("::/129", "the prefix length must be a number from 0 to 128")]
    [InlineData("127.0.0.1/8", "the address has bits set past the prefix length")]
    public void Malformed_network_is_refused_with_the_reason(string text, string reason)
    {
        var ex = Assert.Throws<FormatException>(() => IpNetwork.Parse(text));

        Assert.Equal($"'{text}' is not a valid CIDR network: {reason}.", ex.Message);
        Assert.False(IpNetwork.TryParse(text, out _));
    }
}
