using System.Text;
using Boomerang.Signing;

namespace Boomerang.UnitTests.Signing;

public sealed class WebhookSecretTests
{
    [Fact]
    public void Whsec_secret_is_the_base64_decoded_key()
    {
        var secret = WebhookSecret.Parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");

        Assert.Equal(Convert.FromBase64String("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"), secret.Key.ToArray());
        Assert.Equal(24, secret.Key.Length);
    }

    [Theory]
    [InlineData("s3cret")]
    [InlineData("sécret-ü")]
    [InlineData("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")]
    [InlineData(" padded ")]
    [InlineData("WHSEC_abcd")]
    public void Any_other_secret_is_its_UTF8_bytes(string text)
    {
        Assert.Equal(Encoding.UTF8.GetBytes(text), WebhookSecret.Parse(text).Key.ToArray());
    }

    [Fact]
    public void Plain_secret_has_a_whsec_equivalent_with_the_same_key()
    {
        var plain = WebhookSecret.Parse("s3cret");

        var standard = plain.ToStandardWebhooksSecret();

        Assert.Equal("whsec_" + Convert.ToBase64String(Encoding.UTF8.GetBytes("s3cret")), standard);
        Assert.Equal(plain.Key.ToArray(), WebhookSecret.Parse(standard).Key.ToArray());
    }

    [Fact]
    public void Whsec_secret_round_trips_to_itself()
    {
        Assert.Equal("whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD", WebhookSecret.Parse("whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD").ToStandardWebhooksSecret());
    }

    [Theory]
    [InlineData("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS=")]
    [InlineData("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwBr", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwBr==")]
    public void Unpadded_base64_means_the_same_key_as_padded(string unpadded, string padded)
    {
        Assert.Equal(WebhookSecret.Parse(padded).Key.ToArray(), WebhookSecret.Parse(unpadded).Key.ToArray());
    }

    [Theory]
    [InlineData("")]
    [InlineData("whsec_")]
    [InlineData("whsec_====")]
    [InlineData("whsec_Zq9Xk")]
    [InlineData("whsec_abc*def")]
    [InlineData("whsec_ab cd")]
    [InlineData("whsec_ab=cd")]
    [InlineData("whsec_abc===")]
    [InlineData("whsec_-_-_")]
    public void Empty_secret_or_invalid_base64_is_refused_without_echoing_the_secret(string text)
    {
        var ex = Assert.Throws<ArgumentException>(() => WebhookSecret.Parse(text));

        Assert.Equal("secret", ex.ParamName);
        Assert.True(text.Length <= "whsec_".Length || !ex.Message.Contains(text[6..], StringComparison.Ordinal));
    }

    [Fact]
    public void Secret_never_shows_its_key_in_ToString()
    {
        Assert.Equal("WebhookSecret(6 bytes, redacted)", WebhookSecret.Parse("s3cret").ToString());
    }

    [Fact]
    public void Raw_key_bytes_can_be_used_directly_but_not_empty()
    {
        byte[] key = [1, 2, 3];

        Assert.Equal("whsec_AQID", WebhookSecret.FromKey(key).ToStandardWebhooksSecret());
        Assert.Throws<ArgumentException>(() => WebhookSecret.FromKey([]));
    }
}
