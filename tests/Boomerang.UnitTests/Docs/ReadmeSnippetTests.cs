using System.Security.Cryptography;
using System.Text;
using Boomerang.Signing;
using Microsoft.AspNetCore.Http;

namespace Boomerang.UnitTests.Docs;

/// <summary>The README's C# verification snippet, verbatim, checked against Boomerang's own signer.</summary>
public sealed class ReadmeSnippetTests
{
    // ---- verbatim from README.md "Verifying a callback" ----
    static bool VerifyBoomerang(string secret, IHeaderDictionary headers, byte[] body, TimeSpan? tolerance = null)
    {
        byte[] key = secret.StartsWith("whsec_") ? Convert.FromBase64String(secret[6..]) : Encoding.UTF8.GetBytes(secret);
        string id = headers["webhook-id"].ToString(), ts = headers["webhook-timestamp"].ToString();
        if (!long.TryParse(ts, out var seconds)
            || Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - seconds) > (tolerance ?? TimeSpan.FromMinutes(5)).TotalSeconds)
            return false;
        byte[] message = [.. Encoding.UTF8.GetBytes($"{id}.{ts}."), .. body];
        var expected = HMACSHA256.HashData(key, message);
        return headers["webhook-signature"].ToString().Split(' ')
            .Where(s => s.StartsWith("v1,"))
            .Any(s => { try { return CryptographicOperations.FixedTimeEquals(expected, Convert.FromBase64String(s[3..])); }
                        catch (FormatException) { return false; } });
    }
    // ---- end of snippet ----

    private static HeaderDictionary Signed(byte[] body, long timestamp, params string[] secrets) => new()
    {
        ["webhook-id"] = "msg_1",
        ["webhook-timestamp"] = timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["webhook-signature"] = StandardWebhooksSignature.Sign("msg_1", timestamp, body, secrets.Select(WebhookSecret.Parse).ToList()),
    };

    [Fact]
    public void The_snippet_accepts_what_boomerang_signs_with_a_plain_or_whsec_secret_and_refuses_the_rest()
    {
        var body = Encoding.UTF8.GetBytes("""{"event":"job.completed"}""");
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var headers = Signed(body, now, "old-secret", "s3cret");

        Assert.True(VerifyBoomerang("s3cret", headers, body));
        Assert.True(VerifyBoomerang("whsec_czNjcmV0", headers, body));
        Assert.True(VerifyBoomerang("old-secret", headers, body));
        Assert.False(VerifyBoomerang("other", headers, body));
        Assert.False(VerifyBoomerang("s3cret", headers, [.. body, (byte)' ']));
        Assert.False(VerifyBoomerang("s3cret", Signed(body, now - 600, "s3cret"), body));
        Assert.False(VerifyBoomerang("s3cret", new HeaderDictionary { ["webhook-id"] = "msg_1", ["webhook-timestamp"] = "x" }, body));
    }
}
