using System.Net;

namespace Boomerang.Callbacks;

/// <summary>Resolves host names with the operating system's resolver (<see cref="Dns"/>).</summary>
public sealed class SystemHostResolver : IHostResolver
{
    /// <inheritdoc />
    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct) => Dns.GetHostAddressesAsync(host, ct);
}
