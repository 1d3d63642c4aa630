namespace Boomerang.Signing;

/// <summary>
/// One entry point for receivers: checks whichever scheme's headers are present, Standard Webhooks first,
/// then <c>X-Dedup-Signature</c>, then <c>X-Webhook-Signature</c>.
/// </summary>
public static class WebhookVerifier
{
    /// <summary>
    /// Verifies a request. <paramref name="getHeader"/> must look names up case-insensitively (as ASP.NET Core's
    /// header dictionary does) and return null when absent. <paramref name="body"/> must be the raw bytes as
    /// received. Pass <paramref name="accept"/> to refuse weaker schemes: a request stripped down to a scheme you
    /// did not expect is then reported Missing rather than checked.
    /// </summary>
    public static WebhookVerification Verify(
        Func<string, string?> getHeader,
        ReadOnlySpan<byte> body,
        IReadOnlyList<WebhookSecret> secrets,
        DateTimeOffset now,
        TimeSpan? tolerance = null,
        SignatureScheme accept = SignatureScheme.All)
    {
        ArgumentNullException.ThrowIfNull(getHeader);
        WebhookHmac.EnsureSecrets(secrets);
        SignatureTimestamp.Window(tolerance);

        if (accept.HasFlag(SignatureScheme.StandardWebhooks))
        {
            var (id, timestamp, signature) = (
                getHeader(StandardWebhooksSignature.IdHeader),
                getHeader(StandardWebhooksSignature.TimestampHeader),
                getHeader(StandardWebhooksSignature.SignatureHeader));
            if (id is not null || timestamp is not null || signature is not null)
            {
                return new(StandardWebhooksSignature.Verify(id, timestamp, signature, body, secrets, now, tolerance), SignatureScheme.StandardWebhooks);
            }
        }

        if (accept.HasFlag(SignatureScheme.Dedup) && getHeader(DedupSignature.SignatureHeader) is { } dedup)
        {
            var version = getHeader(DedupSignature.VersionHeader);
            var result = version is null || version.Trim() == DedupSignature.Version
                ? DedupSignature.Verify(dedup, getHeader(DedupSignature.JobIdHeader), body, secrets, now, tolerance)
                : SignatureCheck.Invalid;
            return new(result, SignatureScheme.Dedup);
        }

        if (accept.HasFlag(SignatureScheme.ContentHub) && getHeader(ContentHubSignature.SignatureHeader) is { } contentHub)
        {
            return new(ContentHubSignature.Verify(contentHub, body, secrets), SignatureScheme.ContentHub);
        }

        return new(SignatureCheck.Missing, SignatureScheme.None);
    }
}
