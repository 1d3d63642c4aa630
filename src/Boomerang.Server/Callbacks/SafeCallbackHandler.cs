using System.Net;
using System.Net.Sockets;
using Boomerang.Callbacks;

namespace Boomerang.Server.Callbacks;

/// <summary>
/// The HTTP handler for callbacks. It resolves the host itself and opens a socket only to an address the policy
/// allows, so the check is made on the exact address connected to: DNS rebinding and names that resolve to private
/// networks are refused at connect time. No redirects, no proxy (a proxy would connect on our behalf, unchecked).
/// </summary>
internal static class SafeCallbackHandler
{
    public static SocketsHttpHandler Create(CallbackUrlPolicy policy, IHostResolver resolver, CallbacksOptions options) => new()
    {
        AllowAutoRedirect = false,
        UseProxy = false,
        UseCookies = false,
        AutomaticDecompression = DecompressionMethods.None,
        ConnectTimeout = options.Timeout,
        // New connections re-resolve and re-check; a pooled one stays on an address that already passed.
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        MaxConnectionsPerServer = Math.Max(1, options.PerHostConcurrency),
        ConnectCallback = (context, ct) => ConnectAsync(policy, resolver, context.DnsEndPoint, ct),
    };

    private static async ValueTask<Stream> ConnectAsync(CallbackUrlPolicy policy, IHostResolver resolver, DnsEndPoint target,
        CancellationToken ct)
    {
        IPAddress[] addresses;
        if (IPAddress.TryParse(target.Host.Trim('[', ']'), out var literal))
        {
            addresses = [literal];
        }
        else
        {
            try
            {
                addresses = await resolver.ResolveAsync(target.Host, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is SocketException or ArgumentException)
            {
                throw new CallbackConnectException($"callback host {target.Host} did not resolve: {e.Message}");
            }
        }
        var allowed = addresses.Where(policy.IsAddressAllowed).ToArray();
        if (allowed.Length == 0)
        {
            // The addresses stay out of the message: it is shown to the tenant, who must not learn internal DNS from it.
            throw addresses.Length == 0
                ? new CallbackConnectException($"callback host {target.Host} did not resolve")
                : new CallbackConnectException($"callback host {target.Host} resolves to a blocked address", refusedByPolicy: true);
        }
        SocketException? last = null;
        foreach (var address in allowed)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, target.Port), ct).ConfigureAwait(false);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException e)
            {
                socket.Dispose();
                last = e;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
        throw new CallbackConnectException($"could not connect to {target.Host}:{target.Port}: {last!.Message}");
    }
}

/// <summary>A refused or failed connect; its message is what the attempt log shows. <see cref="RefusedByPolicy"/> when the
/// host resolved only to addresses the callback URL policy blocks (permanent: the policy that refuses it at submit).</summary>
internal sealed class CallbackConnectException(string message, bool refusedByPolicy = false) : IOException(message)
{
    public bool RefusedByPolicy => refusedByPolicy;
}
