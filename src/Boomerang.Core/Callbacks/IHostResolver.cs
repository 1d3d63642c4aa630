using System.Net;

namespace Boomerang.Callbacks;

/// <summary>Resolves a host name to addresses; a seam so tests need no real DNS.</summary>
public interface IHostResolver
{
    /// <summary>Returns the addresses of <paramref name="host"/>; throws when it cannot be resolved.</summary>
    Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct);
}
