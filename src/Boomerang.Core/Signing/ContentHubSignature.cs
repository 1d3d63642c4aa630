namespace Boomerang.Signing;

/// <summary>
/// The ContentHub scheme: <c>X-Webhook-Signature</c> is the lower-case hex HMAC-SHA256 of the body, optionally
/// written <c>sha256=&lt;hex&gt;</c>. Nothing time-bound is signed, so a captured request can be replayed.
/// </summary>
public static class ContentHubSignature
{
    /// <summary>The signature header.</summary>
    public const string SignatureHeader = "X-Webhook-Signature";

    /// <summary>The optional prefix a sender may put before the hex.</summary>
    public const string Prefix = "sha256=";

    /// <summary>The <c>X-Webhook-Signature</c> value: lower-case hex HMAC-SHA256 of the body, without prefix.</summary>
    public static string Sign(ReadOnlySpan<byte> body, WebhookSecret secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        return Convert.ToHexStringLower(WebhookHmac.Compute(secret, "", body));
    }

    /// <summary>Verifies the header against the raw body; hex in either case, with or without <c>sha256=</c>.</summary>
    public static SignatureCheck Verify(string? signatureHeader, ReadOnlySpan<byte> body, IReadOnlyList<WebhookSecret> secrets)
    {
        WebhookHmac.EnsureSecrets(secrets);
        if (string.IsNullOrWhiteSpace(signatureHeader))
        {
            return SignatureCheck.Missing;
        }

        var hex = signatureHeader.Trim();
        if (hex.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
        {
            hex = hex[Prefix.Length..];
        }

        var expected = WebhookHmac.ComputeAll(secrets, "", body);
        return HexSignature.MatchesAny([hex], expected) ? SignatureCheck.Valid : SignatureCheck.Invalid;
    }
}
