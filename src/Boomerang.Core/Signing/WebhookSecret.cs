using System.Text;

namespace Boomerang.Signing;

/// <summary>
/// A signing key as configured. <c>whsec_&lt;base64&gt;</c> is a Standard Webhooks secret and the key is the
/// decoded bytes; any other string is used as-is, the key being its UTF-8 bytes (as the Dedup and
/// ContentHub receivers expect). <see cref="ToString"/> never shows the key.
/// </summary>
public sealed class WebhookSecret
{
    /// <summary>The prefix that marks a base64 Standard Webhooks secret.</summary>
    public const string StandardWebhooksPrefix = "whsec_";

    private readonly byte[] _key;

    private WebhookSecret(byte[] key) => _key = key;

    /// <summary>The HMAC key bytes.</summary>
    public ReadOnlySpan<byte> Key => _key;

    /// <summary>Parses a configured secret; see the type's summary for the two forms.</summary>
    /// <exception cref="ArgumentException">The secret is empty, or its <c>whsec_</c> part is not base64 of at least one byte.</exception>
    public static WebhookSecret Parse(string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        if (secret.Length == 0)
        {
            throw new ArgumentException("The webhook secret is empty.", nameof(secret));
        }

        if (!secret.StartsWith(StandardWebhooksPrefix, StringComparison.Ordinal))
        {
            return new WebhookSecret(Encoding.UTF8.GetBytes(secret));
        }

        // The message never includes the secret: exceptions end up in logs.
        return TryDecodeBase64(secret[StandardWebhooksPrefix.Length..], out var key)
            ? new WebhookSecret(key)
            : throw new ArgumentException(
                "The webhook secret starts with 'whsec_' but the rest is not standard base64 of a non-empty key.", nameof(secret));
    }

    /// <summary>A secret with exactly these key bytes.</summary>
    public static WebhookSecret FromKey(ReadOnlySpan<byte> key) =>
        key.IsEmpty ? throw new ArgumentException("The webhook key is empty.", nameof(key)) : new WebhookSecret(key.ToArray());

    /// <summary>The same key as a Standard Webhooks secret, <c>whsec_</c> + base64(key), for receivers using a Standard Webhooks library.</summary>
    public string ToStandardWebhooksSecret() => StandardWebhooksPrefix + Convert.ToBase64String(_key);

    /// <inheritdoc />
    public override string ToString() => $"{nameof(WebhookSecret)}({_key.Length} bytes, redacted)";

    // Standard alphabet; padding optional (the Standard Webhooks libraries accept unpadded secrets).
    private static bool TryDecodeBase64(string text, out byte[] key)
    {
        key = [];
        var unpadded = text.TrimEnd('=');
        if (text.Length - unpadded.Length > 2 || unpadded.Length % 4 == 1 || unpadded.Length == 0 ||
            !unpadded.All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '/'))
        {
            return false;
        }

        key = Convert.FromBase64String(unpadded + new string('=', (4 - (unpadded.Length % 4)) % 4));
        return key.Length > 0;
    }
}
