using System.Text;
using Boomerang.Signing;

namespace Boomerang.UnitTests.Signing;

/// <summary>The known-answer and derived vectors of the shared conformance file.</summary>
public sealed class StandardWebhooksVectorTests
{
    private static readonly string[] KnownAnswerNames =
        ["default_vector", "rust_vector", "large_payload_1048576", "large_payload_262144", "large_payload_262143"];

    private static readonly string[] DerivedNames =
        ["secret needing one '=' of padding", "secret needing '==' padding", "empty payload"];

    [Fact]
    public void Every_vector_in_the_conformance_file_is_tested_here()
    {
        Assert.Equal(KnownAnswerNames, ConformanceFile.KnownAnswerVectors.Select(v => v.GetProperty("name").GetString()));
        Assert.Equal(DerivedNames, ConformanceFile.DerivedVectors.Select(v => v.GetProperty("name").GetString()));
    }

    [Theory]
    [InlineData("default_vector")]
    [InlineData("rust_vector")]
    [InlineData("large_payload_1048576")]
    [InlineData("large_payload_262144")]
    [InlineData("large_payload_262143")]
    public void Known_answer_vector_signs_to_the_published_signature_and_verifies(string name)
    {
        var v = SwVector.From(ConformanceFile.Vector(name));
        WebhookSecret[] secrets = [WebhookSecret.Parse(v.Secret)];

        var signature = StandardWebhooksSignature.Sign(v.MsgId, v.Timestamp, v.Payload, secrets);
        var check = StandardWebhooksSignature.Verify(v.MsgId, v.Timestamp.ToString(), v.ExpectedSignature, v.Payload, secrets, v.SignedAt);

        Assert.Equal(v.ExpectedSignature, signature);
        Assert.Equal(SignatureCheck.Valid, check);
    }

    // The file gives these secrets without whsec_ because the Standard Webhooks libraries base64-decode any
    // secret. Boomerang reads an unprefixed secret as plain text (see WebhookSecretTests), so here the
    // base64 meaning is spelled with the prefix; unpadded base64 is accepted as the libraries accept it.
    [Theory]
    [InlineData("secret needing one '=' of padding", "secret_as_given_to_verifier")]
    [InlineData("secret needing one '=' of padding", "secret_used_to_sign")]
    [InlineData("secret needing '==' padding", "secret_as_given_to_verifier")]
    [InlineData("secret needing '==' padding", "secret_used_to_sign")]
    [InlineData("empty payload", "secret")]
    public void Derived_vector_signs_to_the_computed_signature_with_its_base64_secret_given_as_whsec(string name, string secretProperty)
    {
        var v = SwVector.From(ConformanceFile.Vector(name), secretProperty);
        WebhookSecret[] secrets = [WebhookSecret.Parse(WebhookSecret.StandardWebhooksPrefix + v.Secret)];

        var signature = StandardWebhooksSignature.Sign(v.MsgId, v.Timestamp, v.Payload, secrets);
        var check = StandardWebhooksSignature.Verify(v.MsgId, v.Timestamp.ToString(), v.ExpectedSignature, v.Payload, secrets, v.SignedAt);

        Assert.Equal(v.ExpectedSignature, signature);
        Assert.Equal(SignatureCheck.Valid, check);
    }

    [Fact]
    public void Vector_payload_differing_by_one_byte_does_not_verify()
    {
        var v = SwVector.From(ConformanceFile.Vector("default_vector"));
        var tampered = Encoding.UTF8.GetBytes("{\"test\": 2432232315}");

        var check = StandardWebhooksSignature.Verify(v.MsgId, v.Timestamp.ToString(), v.ExpectedSignature, tampered, [WebhookSecret.Parse(v.Secret)], v.SignedAt);

        Assert.Equal(SignatureCheck.Invalid, check);
    }
}
