namespace Boomerang.Callbacks;

/// <summary>The outcome of checking a callback URL against a <see cref="CallbackUrlPolicy"/>.</summary>
/// <param name="IsValid">True when the URL may be used.</param>
/// <param name="NormalizedUrl">The URL to store and post to (lower-case scheme, no fragment); null when invalid.</param>
/// <param name="Error">Why the URL was rejected, as shown to the client; null when valid.</param>
public sealed record CallbackUrlCheck(bool IsValid, string? NormalizedUrl, string? Error)
{
    internal static CallbackUrlCheck Valid(string normalizedUrl) => new(true, normalizedUrl, null);

    internal static CallbackUrlCheck Invalid(string error) => new(false, null, error);
}
