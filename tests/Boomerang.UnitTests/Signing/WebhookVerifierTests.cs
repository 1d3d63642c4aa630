using System.Globalization;
using System.Text;
using Boomerang.Signing;
using static Boomerang.UnitTests.Signing.HeaderLookup;

namespace Boomerang.UnitTests.Signing;

public sealed class WebhookVerifierTests
{
    private const string JobId = "job-7";
    private const long T = 1_700_000_000;
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(T);
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("{\"job_id\":\"job-7\",\"status\":\"failed\"}");
    private static readonly WebhookSecret Secret = WebhookSecret.Parse("shared-secret");

    private static Dictionary<string, string> AllSchemes() => new(StringComparer.OrdinalIgnoreCase)
    {
        ["webhook-id"] = "msg_1",
        ["webhook-timestamp"] = T.ToString(CultureInfo.InvariantCulture),
        ["webhook-signature"] = StandardWebhooksSignature.Sign("msg_1", T, Body, [Secret]),
        ["X-Dedup-Job-Id"] = JobId,
        ["X-Dedup-Signature"] = DedupSignature.Sign(JobId, T, Body, Secret),
        ["X-Dedup-Signature-Version"] = "v1",
        ["X-Webhook-Signature"] = "sha256=" + ContentHubSignature.Sign(Body, Secret),
    };

    private static WebhookVerification Verify(Dictionary<string, string> headers, SignatureScheme accept = SignatureScheme.All, DateTimeOffset? now = null) =>
        WebhookVerifier.Verify(Lookup(headers), Body, [Secret], now ?? Now, accept: accept);

    [Fact]
    public void Standard_Webhooks_is_checked_first_when_every_scheme_is_present()
    {
        Assert.Equal(new WebhookVerification(SignatureCheck.Valid, SignatureScheme.StandardWebhooks), Verify(AllSchemes()));
    }

    [Fact]
    public void Dedup_is_checked_when_there_are_no_Standard_Webhooks_headers()
    {
        var headers = AllSchemes();
        headers.Remove("webhook-id");
        headers.Remove("webhook-timestamp");
        headers.Remove("webhook-signature");

        Assert.Equal(new WebhookVerification(SignatureCheck.Valid, SignatureScheme.Dedup), Verify(headers));
    }

    [Fact]
    public void ContentHub_is_checked_when_it_is_the_only_signature()
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["x-webhook-signature"] = ContentHubSignature.Sign(Body, Secret) };

        var result = Verify(headers);

        Assert.Equal(new WebhookVerification(SignatureCheck.Valid, SignatureScheme.ContentHub), result);
        Assert.True(result.IsValid);
    }

    [Fact]
    public void No_signature_headers_is_missing_with_no_scheme()
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["X-Dedup-Job-Id"] = JobId };

        Assert.Equal(new WebhookVerification(SignatureCheck.Missing, SignatureScheme.None), Verify(headers));
    }

    [Fact]
    public void Failing_scheme_does_not_fall_through_to_a_weaker_one()
    {
        var headers = AllSchemes();
        headers["webhook-signature"] = "v1,AAAA";

        Assert.Equal(new WebhookVerification(SignatureCheck.Invalid, SignatureScheme.StandardWebhooks), Verify(headers));
    }

    [Fact]
    public void Partial_Standard_Webhooks_headers_are_missing_rather_than_a_reason_to_try_another_scheme()
    {
        var headers = AllSchemes();
        headers.Remove("webhook-signature");

        Assert.Equal(new WebhookVerification(SignatureCheck.Missing, SignatureScheme.StandardWebhooks), Verify(headers));
    }

    [Fact]
    public void Request_stripped_down_to_a_scheme_the_receiver_does_not_accept_is_missing()
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["X-Webhook-Signature"] = ContentHubSignature.Sign(Body, Secret) };

        var result = Verify(headers, SignatureScheme.StandardWebhooks | SignatureScheme.Dedup);

        Assert.Equal(new WebhookVerification(SignatureCheck.Missing, SignatureScheme.None), result);
    }

    [Fact]
    public void Unknown_dedup_signature_version_is_invalid()
    {
        var headers = AllSchemes();
        headers.Remove("webhook-id");
        headers.Remove("webhook-timestamp");
        headers.Remove("webhook-signature");
        headers["X-Dedup-Signature-Version"] = "v2";

        Assert.Equal(new WebhookVerification(SignatureCheck.Invalid, SignatureScheme.Dedup), Verify(headers));
    }

    [Fact]
    public void Replay_after_the_tolerance_is_reported_expired_with_its_scheme()
    {
        var headers = AllSchemes();
        headers.Remove("webhook-signature");
        headers.Remove("webhook-id");
        headers.Remove("webhook-timestamp");

        Assert.Equal(new WebhookVerification(SignatureCheck.Expired, SignatureScheme.Dedup), Verify(headers, now: Now.AddMinutes(6)));
    }

    [Fact]
    public void Receiver_without_secrets_is_a_configuration_error()
    {
        Assert.Throws<ArgumentException>(() => WebhookVerifier.Verify(Lookup(AllSchemes()), Body, [], Now));
    }
}
