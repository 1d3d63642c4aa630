using System.Globalization;
using Boomerang.Signing;
using CsCheck;

namespace Boomerang.UnitTests.Properties;

/// <summary>Issue 14.8: the three signature schemes — garbage never throws, a changed byte never verifies.</summary>
public sealed class SignatureProperties
{
    private const long T = 1_700_000_000;
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(T);
    private static readonly WebhookSecret[] Secrets = [WebhookSecret.Parse("shared-secret"), WebhookSecret.Parse("whsec_" + Convert.ToBase64String(new byte[24]))];

    // Header-ish text: the characters the parsers split on, base64 and hex alphabets, and any char at all.
    private static readonly Gen<string> Garbage = Gen.OneOf(
        Gen.String,
        Gen.String[Gen.Char["v1,t=0123456789abcdefABCDEF+/= ;.-_sha"], 0, 120],
        Gen.Select(Gen.OneOf("v1,", "t=", "v1=", "sha256=", "t=1700000000,v1=", "v1,v1,"), Gen.String[Gen.Char["0123456789abcdef+/= ,"], 0, 90])
            .Select((p, s) => p + s));

    private static readonly Gen<string?> MaybeGarbage = Gen.OneOf(Garbage.Select(s => (string?)s), Gen.Const((string?)null));

    [Fact]
    public void Garbage_headers_and_bodies_never_throw_in_any_verifier()
    {
        Gen.Select(MaybeGarbage, MaybeGarbage, MaybeGarbage, Gen.Byte.Array[0, 200], Gen.OneOf(Garbage, Gen.Const(T.ToString(CultureInfo.InvariantCulture))))
            .Sample((a, b, c, body, timestamp) =>
            {
                StandardWebhooksSignature.Verify(a, timestamp, b, body, Secrets, Now);
                StandardWebhooksSignature.Verify(a, b, c, body, Secrets, Now);
                DedupSignature.Verify(a, b, body, Secrets, Now);
                ContentHubSignature.Verify(c, body, Secrets);
                var headers = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
                {
                    ["webhook-id"] = a, ["webhook-timestamp"] = timestamp, ["webhook-signature"] = b,
                    ["X-Dedup-Signature"] = c, ["X-Dedup-Job-Id"] = a, ["X-Dedup-Signature-Version"] = b, ["X-Webhook-Signature"] = c,
                };
                foreach (var drop in new[] { "", "webhook-id", "webhook-signature" })
                {
                    var seen = new Dictionary<string, string?>(headers, StringComparer.OrdinalIgnoreCase);
                    seen.Remove(drop);
                    WebhookVerifier.Verify(n => seen.GetValueOrDefault(n), body, Secrets, Now);
                }
            }, iter: 3000);
    }

    [Fact]
    public void A_signature_verifies_its_body_and_never_a_body_with_one_byte_changed()
    {
        var body = Gen.Byte.Array[1, 300];
        Gen.Select(body, Gen.Int[0, int.MaxValue], Gen.Byte[1, 255], Gen.String[Gen.Char.AlphaNumeric, 1, 30]).Sample((original, where, flip, id) =>
        {
            var changed = (byte[])original.Clone();
            changed[where % changed.Length] ^= flip;
            var secret = Secrets[where % 2];

            var standard = StandardWebhooksSignature.Sign(id, T, original, [secret]);
            Assert.Equal(SignatureCheck.Valid, StandardWebhooksSignature.Verify(id, "1700000000", standard, original, Secrets, Now));
            Assert.Equal(SignatureCheck.Invalid, StandardWebhooksSignature.Verify(id, "1700000000", standard, changed, Secrets, Now));

            var dedup = DedupSignature.Sign(id, T, original, secret);
            Assert.Equal(SignatureCheck.Valid, DedupSignature.Verify(dedup, id, original, Secrets, Now));
            Assert.Equal(SignatureCheck.Invalid, DedupSignature.Verify(dedup, id, changed, Secrets, Now));

            var contentHub = ContentHubSignature.Sign(original, secret);
            Assert.Equal(SignatureCheck.Valid, ContentHubSignature.Verify(contentHub, original, Secrets));
            Assert.Equal(SignatureCheck.Invalid, ContentHubSignature.Verify(contentHub, changed, Secrets));
        }, iter: 2000);
    }

    [Fact]
    public void A_signature_with_one_signature_byte_changed_never_verifies()
    {
        Gen.Select(Gen.Byte.Array[0, 100], Gen.Int[0, 31], Gen.Byte[1, 255]).Sample((body, where, flip) =>
        {
            var mac = Convert.FromBase64String(StandardWebhooksSignature.Sign("msg_1", T, body, [Secrets[0]])[3..]);
            mac[where] ^= flip;
            var standard = "v1," + Convert.ToBase64String(mac);
            Assert.Equal(SignatureCheck.Invalid, StandardWebhooksSignature.Verify("msg_1", "1700000000", standard, body, Secrets, Now));

            var hex = Convert.FromHexString(ContentHubSignature.Sign(body, Secrets[0]));
            hex[where] ^= flip;
            Assert.Equal(SignatureCheck.Invalid, ContentHubSignature.Verify(Convert.ToHexStringLower(hex), body, Secrets));

            var dedup = DedupSignature.Sign("job-1", T, body, Secrets[0]);
            var v1 = dedup[(dedup.IndexOf("v1=", StringComparison.Ordinal) + 3)..];
            var dedupMac = Convert.FromHexString(v1);
            dedupMac[where] ^= flip;
            Assert.Equal(SignatureCheck.Invalid,
                DedupSignature.Verify($"t={T},v1={Convert.ToHexStringLower(dedupMac)}", "job-1", body, Secrets, Now));
        }, iter: 2000);
    }
}
