using Boomerang.Signing;

namespace Boomerang.Receiver;

/// <summary>How callbacks are verified and handled; bound from <c>Boomerang:Receiver</c> by <c>AddBoomerangReceiver</c>.</summary>
public sealed class BoomerangReceiverOptions
{
    /// <summary>The configuration section <c>AddBoomerangReceiver</c> binds.</summary>
    public const string Section = "Boomerang:Receiver";

    /// <summary>
    /// Signing secrets; a signature made with any of them is accepted, so list the new and the old one while rotating.
    /// <c>whsec_&lt;base64&gt;</c> is a Standard Webhooks secret; any other string is used as its UTF-8 bytes.
    /// </summary>
    public List<string> Secrets { get; set; } = [];

    /// <summary>
    /// Refuse unsigned callbacks with 401 (the seed's <c>WEBHOOK_REQUIRE_SIGNATURE</c>). Unset (the default), a signature
    /// is required whenever a secret is configured, so stripping the headers cannot get a forged callback in; set it to
    /// false to accept unsigned callbacks anyway (the seed's behaviour), true to insist (needs a secret).
    /// </summary>
    public bool? RequireSignature { get; set; }

    internal bool SignatureRequired => RequireSignature ?? Secrets.Count > 0;

    /// <summary>The schemes accepted; a request signed only with another scheme counts as unsigned. All by default.</summary>
    public SignatureScheme AcceptedSchemes { get; set; } = SignatureScheme.All;

    /// <summary>How far a signed timestamp may be from now, either way (default 300 s).</summary>
    public double TimestampToleranceSeconds { get; set; } = 300;

    /// <summary>Larger callback bodies are refused with 413 (default 5 MiB).</summary>
    public long MaxBodyBytes { get; set; } = 5 * 1024 * 1024;

    /// <summary>How long a handler may run before the event counts as failed and the sender is told to retry (the seed's <c>WEBHOOK_TIMEOUT</c>, default 10 s).</summary>
    public double HandlerTimeoutSeconds { get; set; } = 10;
}
