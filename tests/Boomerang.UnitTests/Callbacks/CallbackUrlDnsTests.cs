using System.Net;
using System.Net.Sockets;
using Boomerang.Callbacks;

namespace Boomerang.UnitTests.Callbacks;

public sealed class CallbackUrlDnsTests
{
    private static CallbackUrlPolicy Policy(bool resolveDns = true, bool block = true, params string[] allowedNetworks)
    {
        var options = new CallbackUrlPolicyOptions { ResolveDns = resolveDns, BlockPrivateNetworks = block };
        foreach (var network in allowedNetworks)
        {
            options.AllowedNetworks.Add(network);
        }

        return new CallbackUrlPolicy(options);
    }

    [Fact]
    public async Task A_name_passes_the_sync_check_but_not_CheckAsync_when_it_resolves_to_loopback()
    {
        var policy = Policy();
        var resolver = new FakeResolver(IPAddress.Loopback);

        Assert.True(policy.Check("https://hooks.example/cb").IsValid);
        var check = await policy.CheckAsync("https://hooks.example/cb", resolver, CancellationToken.None);

        Assert.Equal((false, "callback_url hostname resolves to private network"), (check.IsValid, check.Error));
        Assert.Equal(["hooks.example"], resolver.Queries);
    }

    [Fact]
    public async Task Localhost_is_refused_by_both_checks_without_asking_the_resolver()
    {
        var policy = Policy();
        var resolver = new FakeResolver(IPAddress.Parse("93.184.216.34"));

        Assert.False(policy.Check("https://localhost/cb").IsValid);
        var check = await policy.CheckAsync("https://localhost/cb", resolver, CancellationToken.None);

        Assert.False(check.IsValid);
        Assert.Empty(resolver.Queries);
    }

    [Fact]
    public async Task Name_with_one_private_address_among_public_ones_is_blocked()
    {
        var resolver = new FakeResolver(IPAddress.Parse("93.184.216.34"), IPAddress.Parse("10.0.0.7"));

        var check = await Policy().CheckAsync("https://mixed.example/", resolver, CancellationToken.None);

        Assert.Equal("callback_url hostname resolves to private network", check.Error);
    }

    [Fact]
    public async Task Name_resolving_to_public_addresses_is_accepted_and_normalised()
    {
        var resolver = new FakeResolver(IPAddress.Parse("93.184.216.34"), IPAddress.Parse("2606:2800:220:1::1"));

        var check = await Policy().CheckAsync("HTTPS://Hooks.Example.com:8443?x=1#f", resolver, CancellationToken.None);

        Assert.Equal((true, "https://Hooks.Example.com:8443/?x=1"), (check.IsValid, check.NormalizedUrl));
        Assert.Equal(["hooks.example.com"], resolver.Queries);
    }

    [Fact]
    public async Task Resolution_failure_is_reported_with_the_resolver_message()
    {
        var failure = new SocketException((int)SocketError.HostNotFound);
        var resolver = new FakeResolver { Failure = failure };

        var check = await Policy().CheckAsync("https://nowhere.invalid/", resolver, CancellationToken.None);

        Assert.Equal($"callback_url DNS resolution failed: {failure.Message}", check.Error);
    }

    [Fact]
    public async Task Resolution_to_no_addresses_is_a_resolution_failure()
    {
        var check = await Policy().CheckAsync("https://empty.example/", new FakeResolver(), CancellationToken.None);

        Assert.Equal("callback_url DNS resolution failed: no addresses", check.Error);
    }

    [Fact]
    public async Task Resolved_address_inside_an_allowed_network_is_accepted()
    {
        var check = await Policy(allowedNetworks: "127.0.0.0/8").CheckAsync("https://localhost/", new FakeResolver(IPAddress.Loopback), CancellationToken.None);

        Assert.True(check.IsValid);
    }

    [Theory]
    [InlineData(false, true)]
    [InlineData(true, false)]
    public async Task Resolver_is_not_asked_unless_both_ResolveDns_and_the_private_block_are_on(bool resolveDns, bool block)
    {
        var resolver = new FakeResolver(IPAddress.Loopback);

        var check = await Policy(resolveDns, block).CheckAsync("https://hooks.example/", resolver, CancellationToken.None);

        Assert.True(check.IsValid);
        Assert.Empty(resolver.Queries);
    }

    [Theory]
    [InlineData("https://8.8.8.8/", true)]
    [InlineData("https://0x7f.1/", false)]
    [InlineData("https://[2606:4700:4700::1111]/", true)]
    public async Task IP_literals_are_judged_without_asking_the_resolver(string url, bool valid)
    {
        var resolver = new FakeResolver(IPAddress.Parse("10.0.0.1"));

        var check = await Policy().CheckAsync(url, resolver, CancellationToken.None);

        Assert.Equal(valid, check.IsValid);
        Assert.Empty(resolver.Queries);
    }

    [Fact]
    public async Task Invalid_url_fails_CheckAsync_with_the_sync_message_and_no_lookup()
    {
        var resolver = new FakeResolver(IPAddress.Loopback);

        var check = await Policy().CheckAsync("https://user@example.com/", resolver, CancellationToken.None);

        Assert.Equal("callback_url must not include userinfo", check.Error);
        Assert.Empty(resolver.Queries);
    }

    [Fact]
    public async Task International_name_is_resolved_in_its_ASCII_form()
    {
        var resolver = new FakeResolver(IPAddress.Parse("93.184.216.34"));

        await Policy().CheckAsync("https://Bücher.example/", resolver, CancellationToken.None);

        Assert.Equal(["xn--bcher-kva.example"], resolver.Queries);
    }

    [Fact]
    public async Task Cancellation_is_not_reported_as_a_resolution_failure()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Policy().CheckAsync("https://example.com/", new FakeResolver(IPAddress.Loopback), cts.Token));
    }

    [Fact]
    public async Task System_resolver_resolves_an_address_literal_without_the_network()
    {
        var addresses = await new SystemHostResolver().ResolveAsync("127.0.0.1", CancellationToken.None);

        Assert.Contains(IPAddress.Loopback, addresses);
    }

    private sealed class FakeResolver(params IPAddress[] addresses) : IHostResolver
    {
        public List<string> Queries { get; } = [];

        public Exception? Failure { get; init; }

        public Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct)
        {
            ct.ThrowIfCancellationRequested();
            Queries.Add(host);
            return Failure is null ? Task.FromResult(addresses) : Task.FromException<IPAddress[]>(Failure);
        }
    }
}
