using Boomerang.Callbacks;

namespace Boomerang.UnitTests.Callbacks;

public sealed class CallbackUrlPolicyOptionsTests
{
    [Fact]
    public void Defaults_are_https_only_with_private_networks_blocked_and_no_DNS()
    {
        var options = new CallbackUrlPolicyOptions();

        Assert.Equal((false, true, false), (options.AllowHttp, options.BlockPrivateNetworks, options.ResolveDns));
        Assert.Empty(options.Allowlist);
        Assert.Empty(options.AllowedNetworks);
    }

    [Fact]
    public void Bad_allowed_network_stops_construction_with_a_message_naming_it()
    {
        var options = new CallbackUrlPolicyOptions();
        options.AllowedNetworks.Add("127.0.0.1/8");

        var ex = Assert.Throws<ArgumentException>(() => new CallbackUrlPolicy(options));

        Assert.Contains("'127.0.0.1/8'", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("*")]
    [InlineData("*.")]
    [InlineData("hooks.*.example.com")]
    [InlineData("hooks.example.com:443")]
    [InlineData("https://hooks.example.com")]
    public void Bad_allowlist_entry_stops_construction(string entry)
    {
        var options = new CallbackUrlPolicyOptions();
        options.Allowlist.Add(entry);

        var ex = Assert.Throws<ArgumentException>(() => new CallbackUrlPolicy(options));

        Assert.Contains($"'{entry}'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Allowlist_entries_are_trimmed_and_compared_lower_case()
    {
        var options = new CallbackUrlPolicyOptions();
        options.Allowlist.Add("  Hooks.Example.COM ");
        options.Allowlist.Add("");

        Assert.True(new CallbackUrlPolicy(options).Check("https://hooks.example.com/").IsValid);
    }

    [Fact]
    public void Changing_options_after_construction_does_not_change_the_policy()
    {
        var options = new CallbackUrlPolicyOptions();
        var policy = new CallbackUrlPolicy(options);

        options.AllowHttp = true;
        options.BlockPrivateNetworks = false;

        Assert.False(policy.Check("http://example.com/").IsValid);
        Assert.False(policy.Check("https://127.0.0.1/").IsValid);
    }

    [Fact]
    public void Null_options_are_refused()
    {
        Assert.Throws<ArgumentNullException>(() => new CallbackUrlPolicy(null!));
    }
}
