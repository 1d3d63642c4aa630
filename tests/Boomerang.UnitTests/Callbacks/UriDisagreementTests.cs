using System.Net;
using Boomerang.Callbacks;

namespace Boomerang.UnitTests.Callbacks;

/// <summary>
/// System.Uri, which the callback client uses, canonicalises some numeric hosts and not others. Whatever it
/// does, the policy must judge the address the client will connect to.
/// </summary>
public sealed class UriDisagreementTests
{
    public static TheoryData<string> LoopbackForms =>
    [
        "127.0.0.1", "2130706433", "0177.0.0.1", "0x7f.0.0.1", "0x7f000001", "127.1", "127.0.1", "0x7f.1",
        "0177.0.0x0.1", "017700000001", "127.0.0.1.", "0X7F.0.0.1",
    ];

    [Theory]
    [MemberData(nameof(LoopbackForms))]
    public void Loopback_form_is_blocked_whether_or_not_Uri_reads_it_as_an_address(string host)
    {
        var url = $"https://{host}/cb";
        var uri = new Uri(url);

        var check = new CallbackUrlPolicy(new CallbackUrlPolicyOptions()).Check(url);

        Assert.Equal("callback_url hostname resolves to private network", check.Error);
        // Documents what Uri does with the form: either it canonicalises to 127.0.0.1, or it keeps a name.
        Assert.True(uri.HostNameType == UriHostNameType.IPv4 ? uri.Host == "127.0.0.1" : uri.HostNameType == UriHostNameType.Dns);
    }

    [Theory]
    [MemberData(nameof(LoopbackForms))]
    public void Exempted_loopback_form_normalises_to_a_url_Uri_connects_to_loopback_or_resolves_by_name(string host)
    {
        var options = new CallbackUrlPolicyOptions();
        options.AllowedNetworks.Add("127.0.0.0/8");

        var check = new CallbackUrlPolicy(options).Check($"HTTPS://{host}/cb#x");

        Assert.Equal($"https://{host}/cb", check.NormalizedUrl);
        var uri = new Uri(check.NormalizedUrl!);
        Assert.True(uri.HostNameType != UriHostNameType.IPv4 || IPAddress.Parse(uri.Host).Equals(IPAddress.Loopback));
    }

    [Fact]
    public void Uri_canonicalises_decimal_hex_and_octal_hosts_so_a_check_of_Uri_Host_alone_would_see_only_the_dotted_form()
    {
        Assert.Equal("127.0.0.1", new Uri("https://2130706433/").Host);
        Assert.Equal("127.0.0.1", new Uri("https://0x7f.1/").Host);
        Assert.Equal("127.0.0.1", new Uri("https://0177.0.0.1/").Host);
    }

    [Fact]
    public void Trailing_dot_address_is_a_name_to_Uri_but_blocked_here()
    {
        Assert.Equal(UriHostNameType.Dns, new Uri("https://127.0.0.1./").HostNameType);
        Assert.False(new CallbackUrlPolicy(new CallbackUrlPolicyOptions()).Check("https://127.0.0.1./").IsValid);
    }

    [Fact]
    public void Fullwidth_digits_that_IDNA_maps_to_loopback_are_blocked()
    {
        const string url = "https://\uFF11\uFF12\uFF17.\uFF10.\uFF10.\uFF11/";

        var check = new CallbackUrlPolicy(new CallbackUrlPolicyOptions()).Check(url);

        // Uri calls it a name, but the name the client would look up is "127.0.0.1".
        Assert.Equal((UriHostNameType.Dns, "127.0.0.1"), (new Uri(url).HostNameType, new Uri(url).IdnHost));
        Assert.Equal("callback_url hostname resolves to private network", check.Error);
    }

    [Fact]
    public void Allowlist_matches_the_host_the_client_will_connect_to_after_IDNA_mapping()
    {
        var options = new CallbackUrlPolicyOptions();
        options.Allowlist.Add("hooks.example.com");
        options.Allowlist.Add("bücher.example");
        var policy = new CallbackUrlPolicy(options);

        Assert.True(policy.Check("https://hooks\u3002example\u3002com/").IsValid);
        Assert.True(policy.Check("https://xn--bcher-kva.example/").IsValid);
        Assert.True(policy.Check("https://BÜCHER.example/").IsValid);
    }

    [Theory]
    [InlineData("https://Example.COM:8443/a/b?c=d#e")]
    [InlineData("https://[2606:4700:4700::1111]/x")]
    [InlineData("https://bücher.example")]
    [InlineData("https://134744072/")]
    public void Normalised_url_names_the_same_host_and_port_for_Uri_as_the_original(string url)
    {
        var normalized = new CallbackUrlPolicy(new CallbackUrlPolicyOptions()).Check(url).NormalizedUrl!;

        Assert.Equal((new Uri(url).IdnHost, new Uri(url).Port), (new Uri(normalized).IdnHost, new Uri(normalized).Port));
    }
}
