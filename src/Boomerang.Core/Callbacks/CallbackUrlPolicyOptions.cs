namespace Boomerang.Callbacks;

/// <summary>Settings for <see cref="CallbackUrlPolicy"/>: which callback URLs a job may name.</summary>
public sealed class CallbackUrlPolicyOptions
{
    /// <summary>Accept <c>http</c> as well as <c>https</c>. Off by default; meant for development.</summary>
    public bool AllowHttp { get; set; }

    /// <summary>
    /// Reject hosts that are, or resolve to, loopback, private, link-local, multicast, reserved or
    /// documentation addresses (see <see cref="IpClassifier"/>). On by default.
    /// </summary>
    public bool BlockPrivateNetworks { get; set; } = true;

    /// <summary>
    /// Resolve host names in <see cref="CallbackUrlPolicy.CheckAsync"/> and reject names that resolve to a
    /// blocked address. Off by default: the connect-time check
    /// (<see cref="CallbackUrlPolicy.IsAddressAllowed"/>) is what actually protects the server.
    /// </summary>
    public bool ResolveDns { get; set; }

    /// <summary>
    /// When not empty, the only hosts a callback may name: exact host names (compared lower-case), or
    /// <c>*.example.com</c> meaning any subdomain of example.com but not example.com itself.
    /// The allowlist does not bypass the private-network block.
    /// </summary>
    public IList<string> Allowlist { get; } = [];

    /// <summary>
    /// Networks in CIDR notation (<c>127.0.0.0/8</c>, <c>::1/128</c>) that are exempt from the
    /// private-network block, for example a receiver on the same host during development.
    /// </summary>
    public IList<string> AllowedNetworks { get; } = [];
}
