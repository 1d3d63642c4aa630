using System.Security.Cryptography;
using System.Text;
using Boomerang.Signing;

namespace Boomerang.UnitTests.Signing;

public sealed class ContentHubSignatureTests
{
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("{\"event\":\"task.completed\",\"taskId\":\"42\"}");
    private static readonly WebhookSecret Secret = WebhookSecret.Parse("your-webhook-secret-key");
    private static readonly WebhookSecret Next = WebhookSecret.Parse("rotated-secret");

    // Recomputed here as the Python receiver does: hmac.new(secret.encode(), body, sha256).hexdigest()
    private static string Expected(string secret, byte[] body) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    [Fact]
    public void Signature_is_lower_case_hex_hmac_of_the_body_only()
    {
        Assert.Equal(Expected("your-webhook-secret-key", Body), ContentHubSignature.Sign(Body, Secret));
        Assert.Equal("X-Webhook-Signature", ContentHubSignature.SignatureHeader);
    }

    [Theory]
    [InlineData("{0}")]
    [InlineData("sha256={0}")]
    [InlineData("SHA256={0}")]
    [InlineData(" sha256={0} ")]
    [InlineData("{1}")]
    [InlineData("sha256={1}")]
    public void Signature_verifies_with_or_without_prefix_in_either_hex_case(string layout)
    {
        var hex = Expected("your-webhook-secret-key", Body);
        var header = string.Format(System.Globalization.CultureInfo.InvariantCulture, layout, hex, hex.ToUpperInvariant());

        Assert.Equal(SignatureCheck.Valid, ContentHubSignature.Verify(header, Body, [Secret]));
    }

    [Fact]
    public void Forged_signature_is_invalid()
    {
        Assert.Equal(SignatureCheck.Invalid, ContentHubSignature.Verify(Expected("guess", Body), Body, [Secret]));
    }

    [Fact]
    public void Tampered_body_is_invalid()
    {
        var header = ContentHubSignature.Sign(Body, Secret);

        Assert.Equal(SignatureCheck.Invalid, ContentHubSignature.Verify(header, Encoding.UTF8.GetBytes("{\"event\":\"task.failed\",\"taskId\":\"42\"}"), [Secret]));
    }

    [Theory]
    [InlineData("sha256=")]
    [InlineData("sha1=0123")]
    [InlineData("not hex at all")]
    [InlineData("sha256=sha256=0000000000000000000000000000000000000000000000000000000000000000")]
    public void Malformed_signature_is_invalid(string header)
    {
        Assert.Equal(SignatureCheck.Invalid, ContentHubSignature.Verify(header, Body, [Secret]));
    }

    [Fact]
    public void Signature_of_truncated_hex_is_invalid()
    {
        Assert.Equal(SignatureCheck.Invalid, ContentHubSignature.Verify(ContentHubSignature.Sign(Body, Secret)[..^2], Body, [Secret]));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Absent_signature_is_missing(string? header)
    {
        Assert.Equal(SignatureCheck.Missing, ContentHubSignature.Verify(header, Body, [Secret]));
    }

    [Fact]
    public void Rotation_accepts_either_secret()
    {
        var header = ContentHubSignature.Sign(Body, Secret);

        Assert.Equal(SignatureCheck.Valid, ContentHubSignature.Verify(header, Body, [Next, Secret]));
        Assert.Equal(SignatureCheck.Invalid, ContentHubSignature.Verify(header, Body, [Next]));
    }

    [Fact]
    public void Empty_body_signs_and_verifies()
    {
        Assert.Equal(SignatureCheck.Valid, ContentHubSignature.Verify(ContentHubSignature.Sign([], Secret), [], [Secret]));
    }
}
