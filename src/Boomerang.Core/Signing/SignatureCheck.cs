namespace Boomerang.Signing;

/// <summary>The outcome of verifying a webhook signature, the same for every scheme.</summary>
public enum SignatureCheck
{
    /// <summary>A signature made with one of the secrets matches, and its timestamp (if the scheme has one) is within tolerance.</summary>
    Valid,

    /// <summary>The request lacks a header the scheme needs.</summary>
    Missing,

    /// <summary>The signature does not match (forged, tampered body or timestamp, wrong secret) or a header is malformed.</summary>
    Invalid,

    /// <summary>Correctly signed, but the timestamp is older than the tolerance: possibly a replay.</summary>
    Expired,

    /// <summary>Correctly signed, but the timestamp is further in the future than the tolerance.</summary>
    FutureDated,
}
