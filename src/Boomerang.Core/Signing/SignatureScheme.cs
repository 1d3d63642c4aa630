namespace Boomerang.Signing;

/// <summary>The webhook signature schemes Boomerang speaks; flags, so a receiver can accept a subset.</summary>
[Flags]
public enum SignatureScheme
{
    /// <summary>No scheme: no signature headers were found.</summary>
    None = 0,

    /// <summary>Standard Webhooks: <c>webhook-id</c>, <c>webhook-timestamp</c>, <c>webhook-signature</c>.</summary>
    StandardWebhooks = 1,

    /// <summary>The Dedup2D scheme: <c>X-Dedup-Signature: t=..,v1=..</c> over timestamp, job id and body.</summary>
    Dedup = 2,

    /// <summary>The ContentHub scheme: <c>X-Webhook-Signature</c>, HMAC of the body only (no timestamp, so no replay protection).</summary>
    ContentHub = 4,

    /// <summary>Every scheme.</summary>
    All = StandardWebhooks | Dedup | ContentHub,
}
