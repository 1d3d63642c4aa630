using System.Net;
using Boomerang.Callbacks;

namespace Boomerang.UnitTests.Callbacks;

public sealed class IpClassifierTests
{
    [Theory]
    [MemberData(nameof(AddressRanges.Blocked), MemberType = typeof(AddressRanges))]
    public void Address_in_a_special_purpose_range_is_blocked(string address, string range)
    {
        Assert.True(IpClassifier.IsBlocked(IPAddress.Parse(address)), range);
    }

    [Theory]
    [MemberData(nameof(AddressRanges.Public), MemberType = typeof(AddressRanges))]
    public void Public_address_next_to_a_blocked_range_is_not_blocked(string address)
    {
        Assert.False(IpClassifier.IsBlocked(IPAddress.Parse(address)));
    }

    [Fact]
    public void Link_local_address_with_a_zone_is_blocked()
    {
        Assert.True(IpClassifier.IsBlocked(IPAddress.Parse("fe80::1%2")));
    }
}
