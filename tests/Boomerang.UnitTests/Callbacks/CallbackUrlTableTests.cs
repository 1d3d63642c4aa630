using static Boomerang.UnitTests.Callbacks.PolicyPresets;

namespace Boomerang.UnitTests.Callbacks;

public sealed class CallbackUrlTableTests
{
    // expected: the normalised URL when the URL is accepted, otherwise the exact error message.
    [Theory]
    // Empty, scheme
    [InlineData("default", "", Empty)]
    [InlineData("default", "   \t ", Empty)]
    [InlineData("default", "ftp://example.com/x", "callback_url scheme not allowed: ftp")]
    [InlineData("default", "javascript:alert(1)", "callback_url scheme not allowed: javascript")]
    [InlineData("default", "data:text/plain,hi", "callback_url scheme not allowed: data")]
    [InlineData("default", "file:///etc/passwd", "callback_url scheme not allowed: file")]
    [InlineData("default", "http://example.com/hook", "callback_url scheme not allowed: http")]
    [InlineData("default", "HTTP://example.com/hook", "callback_url scheme not allowed: http")]
    [InlineData("http", "ftp://example.com/x", "callback_url scheme not allowed: ftp")]
    [InlineData("http", "http://example.com/hook", "http://example.com/hook")]
    [InlineData("http", "HTTP://Example.com/Hook", "http://Example.com/Hook")]
    [InlineData("default", "HTTPS://Example.COM:8443/Path", "https://Example.COM:8443/Path")]
    [InlineData("default", "example.com/hook", NotValid + "it has no scheme")]
    [InlineData("default", "//example.com/hook", NotValid + "it has no scheme")]
    // Userinfo, missing host
    [InlineData("default", "https://user:pass@example.com/", Userinfo)]
    [InlineData("default", "https://user@example.com/", Userinfo)]
    [InlineData("default", "https://@example.com/", Userinfo)]
    [InlineData("default", "https://example.com@127.0.0.1/", Userinfo)]
    [InlineData("default", "https:///path", MissingHost)]
    [InlineData("default", "https://", MissingHost)]
    [InlineData("default", "https:example.com", MissingHost)]
    [InlineData("default", "https://:443/", MissingHost)]
    [InlineData("default", "https://[]/", MissingHost)]
    // Normalisation: lower-case scheme, host and port as given, '/' for an empty path, query kept, fragment dropped
    [InlineData("default", "https://example.com", "https://example.com/")]
    [InlineData("default", "https://example.com?x=1", "https://example.com/?x=1")]
    [InlineData("default", "https://example.com/cb#frag", "https://example.com/cb")]
    [InlineData("default", "https://example.com/cb?a=1&b=2#frag", "https://example.com/cb?a=1&b=2")]
    [InlineData("default", "https://example.com/cb?", "https://example.com/cb")]
    [InlineData("default", "  https://example.com/cb  ", "https://example.com/cb")]
    [InlineData("default", "https://example.com:8443", "https://example.com:8443/")]
    [InlineData("default", "https://example.com/a;p?q", "https://example.com/a;p?q")]
    // A non-ASCII host is stored in the ASCII (IDNA) form it is judged in
    [InlineData("default", "https://bücher.example/hook", "https://xn--bcher-kva.example/hook")]
    [InlineData("default", "https://ＢÜＣＨＥＲ．example:8443/hook", "https://xn--bcher-kva.example:8443/hook")]
    // Names for this machine, in any spelling, are loopback (issue 14.3)
    [InlineData("default", "https://localhost/cb", Loopback)]
    [InlineData("default", "https://LOCALHOST:8443", Loopback)]
    [InlineData("default", "https://localhost./cb", Loopback)]
    [InlineData("default", "https://LocalHost./cb", Loopback)]
    [InlineData("default", "https://api.localhost/cb", Loopback)]
    [InlineData("default", "https://a.b.LOCALHOST./cb", Loopback)]
    [InlineData("default", "https://localhost.localdomain/cb", Loopback)]
    [InlineData("default", "https://ｌｏｃａｌｈｏｓｔ/cb", Loopback)]
    [InlineData("default", "https://ＬＯＣＡＬＨＯＳＴ:8443/cb", Loopback)]
    [InlineData("default", "https://ⓛⓞⓒⓐⓛⓗⓞⓢⓣ/cb", Loopback)]
    [InlineData("default", "https://localhost。/cb", Loopback)]
    [InlineData("default", "https://１２７.０.０.１/cb", Private)]
    [InlineData("default", "https://local\u00adhost/cb", NotValid + "its host contains invisible characters (such as a soft hyphen or a zero-width space)")]
    [InlineData("default", "https://local\u200bhost/cb", NotValid + "its host contains invisible characters (such as a soft hyphen or a zero-width space)")]
    [InlineData("default", "https://local\u200dhost/cb", NotValid + "its host contains invisible characters (such as a soft hyphen or a zero-width space)")]
    [InlineData("default", "https://localhost.example/cb", "https://localhost.example/cb")]
    [InlineData("loopback-ok", "https://localhost:8443/cb", "https://localhost:8443/cb")]
    [InlineData("open", "http://localhost/cb", "http://localhost/cb")]
    // Port 0 is no port a server listens on
    [InlineData("default", "https://example.com:0/", NotValid + "its port is 0")]
    [InlineData("default", "https://example.com:000/x", NotValid + "its port is 0")]
    // Not parseable, or parseable differently by different parsers
    [InlineData("default", "https://exa mple.com/", NotValid + "it contains whitespace or control characters")]
    [InlineData("default", "https://example.com/a\nb", NotValid + "it contains whitespace or control characters")]
    [InlineData("default", "https://example.com\\@127.0.0.1/", NotValid + "it contains a backslash")]
    [InlineData("default", "https://%31%32%37.0.0.1/", NotValid + "its host is not a valid host name or IP address")]
    [InlineData("default", "https://[127.0.0.1]/", NotValid + "its host is not a valid host name or IP address")]
    [InlineData("default", "https://[::1/", NotValid + "its IPv6 host has no closing bracket")]
    [InlineData("default", "https://example.com:abc/", NotValid + "its port is not a number")]
    [InlineData("default", "https://example.com:99999/", NotValid + "it cannot be parsed")]
    [InlineData("default", "https://127.0.0.256/", NotValid + "its host ends in a number but is not an IPv4 address")]
    [InlineData("default", "https://127.0.0.09/", NotValid + "its host ends in a number but is not an IPv4 address")]
    [InlineData("default", "https://1.2.3.4.5/", NotValid + "its host ends in a number but is not an IPv4 address")]
    [InlineData("default", "https://4294967296/", NotValid + "its host ends in a number but is not an IPv4 address")]
    // Every numeric form of loopback, judged by the address it means
    [InlineData("default", "https://127.0.0.1/", Private)]
    [InlineData("default", "https://2130706433/", Private)]
    [InlineData("default", "https://0177.0.0.1/", Private)]
    [InlineData("default", "https://0x7f.0.0.1/", Private)]
    [InlineData("default", "https://0X7F.0.0.1/", Private)]
    [InlineData("default", "https://0x7f000001/", Private)]
    [InlineData("default", "https://017700000001/", Private)]
    [InlineData("default", "https://127.1/", Private)]
    [InlineData("default", "https://127.0.1/", Private)]
    [InlineData("default", "https://0x7f.1/", Private)]
    [InlineData("default", "https://0177.0.0x0.1/", Private)]
    [InlineData("default", "https://00000000000000000177.0.0.1/", Private)]
    [InlineData("default", "https://127.0.0.1./", Private)]
    [InlineData("default", "https://127.0.0.1:443/cb", Private)]
    [InlineData("default", "https://0/", Private)]
    [InlineData("default", "https://0x/", Private)]
    [InlineData("http", "http://127.0.0.1/callback", Private)]
    // Other private, link-local, shared and special IPv4, in several forms
    [InlineData("default", "https://10.1.2.3/", Private)]
    [InlineData("default", "https://172.16.0.1/", Private)]
    [InlineData("default", "https://192.168.1.1/", Private)]
    [InlineData("default", "https://3232235777/", Private)]
    [InlineData("default", "https://0300.0250.1.1/", Private)]
    [InlineData("default", "https://169.254.169.254/latest/meta-data/", Private)]
    [InlineData("default", "https://0xa9fea9fe/", Private)]
    [InlineData("default", "https://100.64.0.1/", Private)]
    [InlineData("default", "https://224.0.0.1/", Private)]
    [InlineData("default", "https://255.255.255.255/", Private)]
    [InlineData("default", "https://8.8.8.8/", "https://8.8.8.8/")]
    [InlineData("default", "https://134744072/x", "https://134744072/x")]
    [InlineData("default", "https://93.184.216.34:443/x", "https://93.184.216.34:443/x")]
    // IPv6, including IPv4 carried inside IPv6
    [InlineData("default", "https://[::1]/", Private)]
    [InlineData("default", "https://[0:0:0:0:0:0:0:1]/", Private)]
    [InlineData("default", "https://[::]/", Private)]
    [InlineData("default", "https://[::ffff:127.0.0.1]/", Private)]
    [InlineData("default", "https://[::ffff:7f00:1]/", Private)]
    [InlineData("default", "https://[::127.0.0.1]/", Private)]
    [InlineData("default", "https://[fe80::1%25eth0]/", Private)]
    [InlineData("default", "https://[fd12:3456::1]/", Private)]
    [InlineData("default", "https://[64:ff9b::a9fe:a9fe]/", Private)]
    [InlineData("default", "https://[2002:7f00:1::1]/", Private)]
    [InlineData("default", "https://[2001:0:4136:e378:8000:63bf:80ff:fffe]/", Private)]
    [InlineData("default", "https://[2001:db8::1]/", Private)]
    [InlineData("default", "https://[ff02::1]/", Private)]
    [InlineData("default", "https://[2606:4700:4700::1111]/", "https://[2606:4700:4700::1111]/")]
    [InlineData("default", "https://[2606:4700:4700::1111]:8443/x", "https://[2606:4700:4700::1111]:8443/x")]
    [InlineData("default", "https://[::ffff:8.8.8.8]/", "https://[::ffff:8.8.8.8]/")]
    // Allowlist: exact names, *.partner.example for subdomains only, checked before the private-network block
    [InlineData("allowlist", "https://hooks.example.com/cb", "https://hooks.example.com/cb")]
    [InlineData("allowlist", "https://HOOKS.Example.com/cb", "https://HOOKS.Example.com/cb")]
    [InlineData("allowlist", "https://example.com/cb", NotAllowlisted)]
    [InlineData("allowlist", "https://evil-hooks.example.com/", NotAllowlisted)]
    [InlineData("allowlist", "https://hooks.example.com.evil.test/", NotAllowlisted)]
    [InlineData("allowlist", "https://a.partner.example/", "https://a.partner.example/")]
    [InlineData("allowlist", "https://a.b.partner.example/", "https://a.b.partner.example/")]
    [InlineData("allowlist", "https://partner.example/", NotAllowlisted)]
    [InlineData("allowlist", "https://notpartner.example/", NotAllowlisted)]
    [InlineData("allowlist", "https://127.0.0.1/", NotAllowlisted)]
    [InlineData("allowlist", "https://10.0.0.5/", Private)]
    // AllowedNetworks exempts loopback (in any form) and nothing else
    [InlineData("loopback-ok", "https://127.0.0.1:8443/cb", "https://127.0.0.1:8443/cb")]
    [InlineData("loopback-ok", "https://2130706433/cb", "https://2130706433/cb")]
    [InlineData("loopback-ok", "https://0x7f.1/", "https://0x7f.1/")]
    [InlineData("loopback-ok", "https://[::1]:9000/", "https://[::1]:9000/")]
    [InlineData("loopback-ok", "https://[::ffff:127.0.0.1]/", "https://[::ffff:127.0.0.1]/")]
    [InlineData("loopback-ok", "https://10.0.0.1/", Private)]
    [InlineData("loopback-ok", "https://169.254.169.254/", Private)]
    [InlineData("loopback-ok", "https://[fe80::1]/", Private)]
    // Private networks not blocked
    [InlineData("open", "http://127.0.0.1/cb", "http://127.0.0.1/cb")]
    [InlineData("open", "https://[::1]/", "https://[::1]/")]
    [InlineData("open", "https://user@127.0.0.1/", Userinfo)]
    public void Callback_url_is_accepted_or_rejected_as_the_table_says(string preset, string url, string expected)
    {
        var check = Create(preset).Check(url);

        if (expected.StartsWith("callback_url ", StringComparison.Ordinal))
        {
            Assert.Equal((false, null, expected), (check.IsValid, check.NormalizedUrl, check.Error));
        }
        else
        {
            Assert.Equal((true, expected, null), (check.IsValid, check.NormalizedUrl, check.Error));
        }
    }

    [Fact]
    public void Null_url_is_empty()
    {
        Assert.Equal("callback_url is empty", Create("default").Check(null).Error);
    }

    [Fact]
    public void A_url_longer_than_2_KiB_is_refused_without_echoing_it()
    {
        var url = "https://example.com/" + new string('a', 2048);

        var check = Create("default").Check(url);

        Assert.Equal((false, "callback_url is longer than 2048 characters"), (check.IsValid, check.Error));
        Assert.True(Create("default").Check(url[..2048]).IsValid);
    }

    [Fact]
    public void A_long_scheme_is_echoed_only_as_a_short_prefix()
    {
        var check = Create("default").Check(new string('x', 1000) + "://example.com/");

        Assert.Equal("callback_url scheme not allowed: " + new string('x', 20) + "…", check.Error);
    }
}
