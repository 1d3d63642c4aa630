using System.Globalization;
using System.Text;
using Boomerang.Signing;
using static Boomerang.UnitTests.Signing.HeaderLookup;

namespace Boomerang.UnitTests.Signing;

/// <summary>Every negative and behaviour case of the shared conformance file, read from the file.</summary>
public sealed class StandardWebhooksBehaviourTests
{
    private static readonly string[] CasesTestedHere =
    [
        "empty secret", "missing header", "non-numeric timestamp", "wrong signature value", "partial signature",
        "wrong version prefix / malformed entry", "old timestamp", "future timestamp", "tolerance boundary",
        "timestamp header changed after signing", "negative / pre-1970 timestamp", "multiple signatures, one valid",
        "multiple signatures, none valid", "whsec_ prefix", "header name case", "branded vs unbranded headers",
    ];

    private static readonly TimeSpan Century = TimeSpan.FromDays(36525);

    private static SwVector Default => SwVector.From(ConformanceFile.Vector("default_vector"));

    private static SwVector Rust => SwVector.From(ConformanceFile.Vector("rust_vector"));

    [Fact]
    public void Every_negative_and_behaviour_case_in_the_conformance_file_is_tested_here()
    {
        Assert.Equal(CasesTestedHere, ConformanceFile.CaseNames);
    }

    [Fact]
    public void Empty_secret_is_refused()
    {
        foreach (var secret in ConformanceFile.Strings(ConformanceFile.CaseInput("empty secret").GetProperty("secret")))
        {
            Assert.Throws<ArgumentException>(() => WebhookSecret.Parse(secret));
        }

        Assert.Throws<ArgumentNullException>(() => WebhookSecret.Parse(null!));
    }

    [Fact]
    public void Request_missing_any_one_header_is_reported_missing()
    {
        var v = Default;
        foreach (var removed in ConformanceFile.Strings(ConformanceFile.CaseInput("missing header").GetProperty("remove_one_of")))
        {
            var headers = Headers(v, v.ExpectedSignature);
            headers.Remove(removed);

            var result = WebhookVerifier.Verify(Lookup(headers), v.Payload, [WebhookSecret.Parse(v.Secret)], v.SignedAt);

            Assert.Equal(new WebhookVerification(SignatureCheck.Missing, SignatureScheme.StandardWebhooks), result);
        }
    }

    [Fact]
    public void Non_numeric_timestamp_is_invalid()
    {
        var v = Default;
        var timestamp = ConformanceFile.CaseInput("non-numeric timestamp").GetProperty("webhook-timestamp").GetString();

        Assert.Equal(SignatureCheck.Invalid, Verify(v, v.ExpectedSignature, timestamp));
    }

    [Fact]
    public void Wrong_signature_values_are_invalid_and_malformed_base64_does_not_crash()
    {
        foreach (var signature in ConformanceFile.Strings(ConformanceFile.CaseInput("wrong signature value").GetProperty("webhook-signature")))
        {
            Assert.Equal(SignatureCheck.Invalid, Verify(Default, signature));
            Assert.Equal(SignatureCheck.Invalid, Verify(Rust, signature));
        }
    }

    [Fact]
    public void Partial_signature_is_invalid()
    {
        var v = Default;
        foreach (var template in ConformanceFile.Strings(ConformanceFile.CaseInput("partial signature").GetProperty("webhook-signature")))
        {
            var signature = template.StartsWith('<') ? v.ExpectedSignature[..8] : template;

            Assert.Equal(SignatureCheck.Invalid, Verify(v, signature));
        }
    }

    [Fact]
    public void Wrong_version_prefix_or_malformed_entry_is_invalid_even_with_the_right_mac()
    {
        var input = ConformanceFile.CaseInput("wrong version prefix / malformed entry").GetProperty("webhook-signature");
        foreach (var signature in ConformanceFile.Strings(input))
        {
            Assert.Equal(SignatureCheck.Invalid, Verify(Default, signature));
        }
    }

    [Fact]
    public void Correctly_signed_message_older_than_the_tolerance_is_expired()
    {
        _ = ConformanceFile.CaseInput("old timestamp");
        var now = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);

        Assert.Equal(SignatureCheck.Expired, SignAndVerify(now.AddSeconds(-301), now));
    }

    [Fact]
    public void Correctly_signed_message_newer_than_the_tolerance_is_future_dated()
    {
        _ = ConformanceFile.CaseInput("future timestamp");
        var now = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);

        Assert.Equal(SignatureCheck.FutureDated, SignAndVerify(now.AddSeconds(301), now));
    }

    [Fact]
    public void Timestamps_up_to_the_tolerance_either_way_are_accepted_and_one_second_more_is_not()
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000).AddMilliseconds(999);
        foreach (var offset in ConformanceFile.CaseInput("tolerance boundary").GetProperty("timestamp_offsets_s").EnumerateArray())
        {
            Assert.Equal(SignatureCheck.Valid, SignAndVerify(now.AddSeconds(offset.GetInt32()), now));
        }

        Assert.Equal(SignatureCheck.Expired, SignAndVerify(now.AddSeconds(-301), now));
        Assert.Equal(SignatureCheck.FutureDated, SignAndVerify(now.AddSeconds(301), now));
    }

    [Fact]
    public void Timestamp_header_changed_after_signing_is_invalid_even_with_a_huge_tolerance()
    {
        var v = Default;
        foreach (var description in ConformanceFile.Strings(ConformanceFile.CaseInput("timestamp header changed after signing").GetProperty("webhook-timestamp")))
        {
            var token = description.Split(' ')[0];
            var changed = token.StartsWith("ts", StringComparison.Ordinal)
                ? v.Timestamp + long.Parse(token[2..], CultureInfo.InvariantCulture)
                : long.Parse(token, CultureInfo.InvariantCulture);

            Assert.Equal(SignatureCheck.Invalid, Verify(v, v.ExpectedSignature, changed.ToString(CultureInfo.InvariantCulture), Century));
        }
    }

    [Fact]
    public void Negative_float_or_text_timestamp_is_invalid_even_with_a_huge_tolerance_and_cannot_be_signed()
    {
        var v = Default;
        foreach (var timestamp in ConformanceFile.CaseInput("negative / pre-1970 timestamp").GetProperty("timestamp").EnumerateArray())
        {
            var value = timestamp.GetInt64();

            Assert.Equal(SignatureCheck.Invalid, Verify(v, v.ExpectedSignature, value.ToString(CultureInfo.InvariantCulture), Century));
            Assert.Throws<ArgumentOutOfRangeException>(() => StandardWebhooksSignature.Sign(v.MsgId, value, v.Payload, [WebhookSecret.Parse(v.Secret)]));
        }

        foreach (var text in new[] { "0", "161426533.0", "invalid timestamp", " 1614265330", "+1614265330" })
        {
            Assert.Equal(SignatureCheck.Invalid, Verify(v, v.ExpectedSignature, text, Century));
        }
    }

    [Fact]
    public void Several_signatures_pass_when_one_of_them_is_valid()
    {
        var v = Default;
        var header = ConformanceFile.CaseInput("multiple signatures, one valid").GetProperty("webhook-signature").GetString()!
            .Replace("<valid v1 signature>", v.ExpectedSignature, StringComparison.Ordinal);

        Assert.Equal(SignatureCheck.Valid, Verify(v, header));
    }

    [Fact]
    public void Several_signatures_fail_when_none_is_valid_and_pass_once_a_valid_one_is_third()
    {
        var v = Rust;
        var entries = ConformanceFile.CaseInput("multiple signatures, none valid").GetProperty("webhook-signature").GetString()!.Split(' ').ToList();

        Assert.Equal(SignatureCheck.Invalid, Verify(v, string.Join(' ', entries)));
        entries.Insert(2, v.ExpectedSignature);
        Assert.Equal(SignatureCheck.Valid, Verify(v, string.Join(' ', entries)));
    }

    // Deliberate difference from the Standard Webhooks libraries, which base64-decode an unprefixed secret:
    // in Boomerang an unprefixed secret is plain text (the Dedup and ContentHub receivers use it that way).
    // Its Standard Webhooks equivalent is ToStandardWebhooksSecret(), and the two sign alike.
    [Fact]
    public void Unprefixed_secret_is_plain_text_here_unlike_the_Standard_Webhooks_libraries()
    {
        var v = Default;
        var secrets = ConformanceFile.Strings(ConformanceFile.CaseInput("whsec_ prefix").GetProperty("secret")).ToArray();
        var (plain, prefixed) = (WebhookSecret.Parse(secrets[0]), WebhookSecret.Parse(secrets[1]));

        Assert.Equal(SignatureCheck.Valid, Verify(v, v.ExpectedSignature, secret: prefixed));
        Assert.Equal(SignatureCheck.Invalid, Verify(v, v.ExpectedSignature, secret: plain));
        Assert.Equal(Encoding.UTF8.GetBytes(secrets[0]), plain.Key.ToArray());

        var equivalent = WebhookSecret.Parse(plain.ToStandardWebhooksSecret());
        var signedWithPlain = StandardWebhooksSignature.Sign(v.MsgId, v.Timestamp, v.Payload, [plain]);
        Assert.Equal(SignatureCheck.Valid, Verify(v, signedWithPlain, secret: equivalent));
    }

    [Fact]
    public void Header_names_in_any_case_are_found_through_a_case_insensitive_lookup()
    {
        var v = Default;
        var names = ConformanceFile.CaseInput("header name case").GetProperty("headers").EnumerateObject().Select(p => p.Name).ToArray();
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            [names[0]] = v.MsgId,
            [names[1]] = v.Timestamp.ToString(CultureInfo.InvariantCulture),
            [names[2]] = v.ExpectedSignature,
        };

        var result = WebhookVerifier.Verify(Lookup(headers), v.Payload, [WebhookSecret.Parse(v.Secret)], v.SignedAt);

        Assert.Equal(SignatureCheck.Valid, result.Result);
    }

    [Fact]
    public void Only_unbranded_webhook_headers_are_read_not_the_svix_ones()
    {
        var v = Default;
        _ = ConformanceFile.CaseInput("branded vs unbranded headers");
        var svix = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["svix-id"] = v.MsgId,
            ["svix-timestamp"] = v.Timestamp.ToString(CultureInfo.InvariantCulture),
            ["svix-signature"] = v.ExpectedSignature,
        };

        var result = WebhookVerifier.Verify(Lookup(svix), v.Payload, [WebhookSecret.Parse(v.Secret)], v.SignedAt);

        Assert.Equal(new WebhookVerification(SignatureCheck.Missing, SignatureScheme.None), result);
    }

    private static SignatureCheck Verify(SwVector v, string signature, string? timestamp = null, TimeSpan? tolerance = null, WebhookSecret? secret = null) =>
        StandardWebhooksSignature.Verify(
            v.MsgId,
            timestamp ?? v.Timestamp.ToString(CultureInfo.InvariantCulture),
            signature,
            v.Payload,
            [secret ?? WebhookSecret.Parse(v.Secret)],
            v.SignedAt,
            tolerance);

    private static SignatureCheck SignAndVerify(DateTimeOffset signedAt, DateTimeOffset now)
    {
        var v = Default;
        WebhookSecret[] secrets = [WebhookSecret.Parse(v.Secret)];
        var timestamp = signedAt.ToUnixTimeSeconds();
        var signature = StandardWebhooksSignature.Sign(v.MsgId, timestamp, v.Payload, secrets);
        return StandardWebhooksSignature.Verify(v.MsgId, timestamp.ToString(CultureInfo.InvariantCulture), signature, v.Payload, secrets, now);
    }

    private static Dictionary<string, string> Headers(SwVector v, string signature) =>
        new(StringComparer.OrdinalIgnoreCase)
        {
            [StandardWebhooksSignature.IdHeader] = v.MsgId,
            [StandardWebhooksSignature.TimestampHeader] = v.Timestamp.ToString(CultureInfo.InvariantCulture),
            [StandardWebhooksSignature.SignatureHeader] = signature,
        };
}
