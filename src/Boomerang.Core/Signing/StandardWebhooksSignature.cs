namespace Boomerang.Signing;

/// <summary>
/// Standard Webhooks (standardwebhooks.com): <c>webhook-signature: v1,&lt;base64&gt;</c>, an HMAC-SHA256 of
/// <c>&lt;webhook-id&gt;.&lt;webhook-timestamp&gt;.&lt;body&gt;</c>; one entry per secret during rotation.
/// </summary>
public static class StandardWebhooksSignature
{
    /// <summary>The message id header; the same across retries of one delivery, so receivers can de-duplicate.</summary>
    public const string IdHeader = "webhook-id";

    /// <summary>The Unix-seconds timestamp header.</summary>
    public const string TimestampHeader = "webhook-timestamp";

    /// <summary>The space-separated list of <c>v1,&lt;base64&gt;</c> signatures.</summary>
    public const string SignatureHeader = "webhook-signature";

    /// <summary>The <c>webhook-signature</c> value: <c>v1,&lt;base64&gt;</c> for each secret, space separated.</summary>
    public static string Sign(string msgId, long timestamp, ReadOnlySpan<byte> body, IReadOnlyList<WebhookSecret> secrets)
    {
        ArgumentException.ThrowIfNullOrEmpty(msgId);
        var macs = WebhookHmac.ComputeAll(secrets, SignedPrefix(msgId, SignatureTimestamp.Format(timestamp)), body);
        return string.Join(' ', macs.Select(mac => "v1," + Convert.ToBase64String(mac)));
    }

    /// <summary>
    /// Verifies a request from its three header values and the raw body bytes. Any <c>v1</c> entry matching
    /// any secret passes; other versions and malformed entries are ignored. Expired and FutureDated are only
    /// reported for correctly signed messages. <paramref name="tolerance"/> defaults to 5 minutes either way.
    /// </summary>
    public static SignatureCheck Verify(
        string? webhookId,
        string? webhookTimestamp,
        string? webhookSignature,
        ReadOnlySpan<byte> body,
        IReadOnlyList<WebhookSecret> secrets,
        DateTimeOffset now,
        TimeSpan? tolerance = null)
    {
        WebhookHmac.EnsureSecrets(secrets);
        var window = SignatureTimestamp.Window(tolerance);
        if (string.IsNullOrEmpty(webhookId) || string.IsNullOrEmpty(webhookTimestamp) || string.IsNullOrWhiteSpace(webhookSignature))
        {
            return SignatureCheck.Missing;
        }

        if (!SignatureTimestamp.TryParse(webhookTimestamp, out var timestamp))
        {
            return SignatureCheck.Invalid;
        }

        var expected = WebhookHmac.ComputeAll(secrets, SignedPrefix(webhookId, SignatureTimestamp.Format(timestamp)), body);
        Span<byte> received = stackalloc byte[WebhookHmac.Size];
        var matched = false;
        foreach (var entry in webhookSignature.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            matched |= entry.StartsWith("v1,", StringComparison.Ordinal) &&
                       Convert.TryFromBase64String(entry[3..], received, out var written) &&
                       written == WebhookHmac.Size &&
                       WebhookHmac.MatchesAny(received, expected);
        }

        return matched ? SignatureTimestamp.Judge(timestamp, now, window) : SignatureCheck.Invalid;
    }

    private static string SignedPrefix(string msgId, string timestamp) => $"{msgId}.{timestamp}.";
}
