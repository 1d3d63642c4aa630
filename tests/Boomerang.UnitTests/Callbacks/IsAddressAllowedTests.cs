using System.Net;
using Boomerang.Callbacks;

namespace Boomerang.UnitTests.Callbacks;

public sealed class IsAddressAllowedTests
{
    private static readonly CallbackUrlPolicy DefaultPolicy = new(new CallbackUrlPolicyOptions());

    [Theory]
    [MemberData(nameof(AddressRanges.Blocked), MemberType = typeof(AddressRanges))]
    public void Connect_time_check_refuses_every_blocked_range(string address, string range)
    {
        Assert.False(DefaultPolicy.IsAddressAllowed(IPAddress.Parse(address)), range);
    }

    [Theory]
    [MemberData(nameof(AddressRanges.Public), MemberType = typeof(AddressRanges))]
    public void Connect_time_check_allows_public_addresses(string address)
    {
        Assert.True(DefaultPolicy.IsAddressAllowed(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("127.255.255.255", true)]
    [InlineData("::ffff:127.0.0.1", true)]
    [InlineData("::1", true)]
    [InlineData("10.0.0.1", false)]
    [InlineData("169.254.169.254", false)]
    [InlineData("::2", false)]
    [InlineData("fe80::1", false)]
    public void Allowed_networks_exempt_only_their_own_addresses(string address, bool allowed)
    {
        var options = new CallbackUrlPolicyOptions();
        options.AllowedNetworks.Add("127.0.0.0/8");
        options.AllowedNetworks.Add("::1/128");

        Assert.Equal(allowed, new CallbackUrlPolicy(options).IsAddressAllowed(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("169.254.169.254")]
    [InlineData("::1")]
    public void Everything_is_allowed_when_private_networks_are_not_blocked(string address)
    {
        var policy = new CallbackUrlPolicy(new CallbackUrlPolicyOptions { BlockPrivateNetworks = false });

        Assert.True(policy.IsAddressAllowed(IPAddress.Parse(address)));
    }
}
