namespace Boomerang.Signing;

/// <summary>The outcome of <see cref="WebhookVerifier.Verify"/>.</summary>
/// <param name="Result">Valid, or why not.</param>
/// <param name="Scheme">The scheme whose headers were found and checked; <see cref="SignatureScheme.None"/> when none were.</param>
public sealed record WebhookVerification(SignatureCheck Result, SignatureScheme Scheme)
{
    /// <summary>True when <see cref="Result"/> is <see cref="SignatureCheck.Valid"/>.</summary>
    public bool IsValid => Result == SignatureCheck.Valid;
}
