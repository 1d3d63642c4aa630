using System.Globalization;
using System.Net;
using System.Text;
using Boomerang.Callbacks;
using CsCheck;

namespace Boomerang.UnitTests.Properties;

/// <summary>Issue 14.8: no generated URL whose host is, or resolves to, a blocked address is ever accepted.</summary>
public sealed class CallbackUrlPolicyProperties
{
    private static readonly CallbackUrlPolicy Policy = new(new CallbackUrlPolicyOptions { AllowHttp = true, ResolveDns = true });

    // Blocked ranges are hit on purpose (a uniform address is rarely private); the filter keeps only blocked ones.
    private static readonly Gen<uint> BlockedV4 = Gen.Select(
            Gen.OneOf(0x7F000000u, 0x0A000000u, 0xAC100000u, 0xC0A80000u, 0xA9FE0000u, 0x00000000u, 0x64400000u,
                0xE0000000u, 0xF0000000u, 0xC0000200u, 0xC6120000u, 0xC6336400u, 0xCB007100u),
            Gen.UInt[0, 0x00FFFFFF], Gen.UInt)
        .Select((prefix, low, any) => any % 8 == 0 ? any : prefix | (low & 0x000FFFFF))
        .Where(a => IpClassifier.IsBlocked(V4(a)));

    /// <summary>The forms an IPv4 address can be written in that some parser reads as that address.</summary>
    private static readonly Gen<string> BlockedV4Host = Gen.Select(BlockedV4, Gen.Int[0, 9], Gen.Bool).Select((a, form, dot) =>
    {
        var b = V4(a).GetAddressBytes();
        var host = form switch
        {
            0 => $"{b[0]}.{b[1]}.{b[2]}.{b[3]}",
            1 => a.ToString(CultureInfo.InvariantCulture),
            2 => $"0x{a:x}",
            3 => string.Join('.', b.Select(x => "0" + Convert.ToString(x, 8))),
            4 => string.Join('.', b.Select(x => $"0x{x:X2}")),
            5 => $"{b[0]}.{(b[1] << 16) | (b[2] << 8) | b[3]}",
            6 => $"{b[0]}.{b[1]}.{(b[2] << 8) | b[3]}",
            7 => $"[::ffff:{b[0]}.{b[1]}.{b[2]}.{b[3]}]",
            8 => Fullwidth($"{b[0]}.{b[1]}.{b[2]}.{b[3]}"),
            _ => $"[::ffff:{(b[0] << 8) | b[1]:x}:{(b[2] << 8) | b[3]:x}]",
        };
        return dot && !host.StartsWith('[') ? host + "." : host;
    });

    private static readonly Gen<string> BlockedV6Host = Gen.Select(
            Gen.OneOf("::1", "::", "fe80::", "fc00::", "fd12:3456::", "ff02::", "2001:db8::", "64:ff9b::7f00:", "2002:7f00:1::"),
            Gen.UShort)
        .Select((prefix, low) => prefix.EndsWith("::", StringComparison.Ordinal) || prefix.EndsWith(':') ? $"[{prefix}{low:x}]" : $"[{prefix}]")
        .Where(h => IPAddress.TryParse(h[1..^1], out var a) && IpClassifier.IsBlocked(a));

    /// <summary>localhost and the ways to spell it that normalise to it.</summary>
    private static readonly Gen<string> LoopbackName = Gen.Select(
            Gen.Int[0, 3].Array[9], Gen.OneOf("", "api.", "a.b."), Gen.Bool, Gen.OneOf("localhost", "LOCALHOST"))
        .Select((styles, sub, dot, word) =>
        {
            var text = new StringBuilder(sub);
            for (var i = 0; i < word.Length; i++)
            {
                var c = word[i];
                text.Append(styles[i] switch
                {
                    0 => c.ToString(),
                    1 => ((char)(char.ToLowerInvariant(c) - 'a' + 'ａ')).ToString(),
                    2 => ((char)(char.ToLowerInvariant(c) - 'a' + 'ⓐ')).ToString(),
                    _ => char.ToUpperInvariant(c).ToString(),
                });
            }
            return text + (dot ? "." : "");
        });

    private static readonly Gen<string> Port = Gen.OneOf(Gen.Const(""), Gen.Int[1, 65535].Select(p => ":" + p.ToString(CultureInfo.InvariantCulture)));
    private static readonly Gen<string> PathPart = Gen.OneOf("", "/", "/hook", "/a/b?x=1", "/cb#frag");
    private static readonly Gen<string> Scheme = Gen.OneOf("https", "http", "HTTPS");

    [Fact]
    public void A_url_whose_host_is_a_blocked_address_in_any_form_is_never_accepted()
    {
        Gen.Select(Scheme, Gen.OneOf(BlockedV4Host, BlockedV6Host, LoopbackName), Port, PathPart)
            .Select((scheme, host, port, path) => $"{scheme}://{host}{port}{path}")
            .Sample(url =>
            {
                var resolver = new FixedResolver(IPAddress.Parse("93.184.216.34"));
                Assert.False(Policy.Check(url).IsValid, url);
                Assert.False(Policy.CheckAsync(url, resolver, CancellationToken.None).GetAwaiter().GetResult().IsValid, url);
            }, iter: 3000);
    }

    [Fact]
    public void A_name_that_resolves_to_any_blocked_address_is_never_accepted()
    {
        var name = Gen.String[Gen.Char["abcdefghijklmnopqrstuvwxyz0123456789-"], 1, 20]
            .Where(l => !l.StartsWith('-') && !l.EndsWith('-'))
            .Select(label => label + ".example");
        var addresses = Gen.Select(BlockedV4.Select(V4), Gen.Int[0, 3], Gen.UInt).Select((blocked, publicCount, seed) =>
        {
            var list = Enumerable.Range(0, publicCount).Select(i => IPAddress.Parse($"93.184.{(seed + i) % 250}.{i + 1}")).ToList();
            list.Insert((int)(seed % (uint)(publicCount + 1)), blocked);
            return list.ToArray();
        });

        Gen.Select(Scheme, name, Port, addresses).Sample((scheme, host, port, resolved) =>
        {
            var url = $"{scheme}://{host}{port}/hook";
            var check = Policy.CheckAsync(url, new FixedResolver(resolved), CancellationToken.None).GetAwaiter().GetResult();
            Assert.False(check.IsValid, $"{url} -> {string.Join(", ", resolved.Select(a => a.ToString()))}");
            Assert.Contains(resolved, a => !Policy.IsAddressAllowed(a));
        }, iter: 2000);
    }

    [Fact]
    public void An_accepted_url_is_stored_in_a_form_that_judges_the_same()
    {
        var host = Gen.OneOf(BlockedV4Host, LoopbackName, Gen.OneOf("hooks.example.com", "bücher.example", "ＥＸＡＭＰＬＥ.com", "8.8.8.8"));
        Gen.Select(Scheme, host, Port, PathPart).Select((s, h, p, path) => $"{s}://{h}{p}{path}").Sample(url =>
        {
            var first = Policy.Check(url);
            if (first.IsValid)
            {
                Assert.Equal(first, Policy.Check(first.NormalizedUrl));
                Assert.True(first.NormalizedUrl!.All(c => c < 0x80), first.NormalizedUrl);
            }
        }, iter: 2000);
    }

    private static IPAddress V4(uint a) => new([(byte)(a >> 24), (byte)(a >> 16), (byte)(a >> 8), (byte)a]);

    private static string Fullwidth(string text) =>
        string.Concat(text.Select(c => c == '.' ? '．' : (char)(c - '0' + '０')));

    private sealed class FixedResolver(params IPAddress[] addresses) : IHostResolver
    {
        public Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct) => Task.FromResult(addresses);
    }
}
