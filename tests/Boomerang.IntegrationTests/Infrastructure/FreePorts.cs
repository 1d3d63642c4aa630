using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Boomerang.IntegrationTests.Infrastructure;

/// <summary>
/// Ports for processes that are told which port to listen on. Such a process binds its port a second or so after the
/// probe here let go of it, and meanwhile the system hands out ports of its ephemeral range to outgoing connections (the
/// suite makes many); one that got this port held it, and the server exited with "address already in use" (seen in CI).
/// So ports come from below that range, where the system hands out none by itself. And a port is handed out at most
/// once in a test run: two servers started together could otherwise be given the same one, and the second's readiness
/// probe would be answered by the first.
/// </summary>
public static class FreePorts
{
    private static readonly HashSet<int> Given = [];
    private static readonly (int Low, int High) Range = BelowEphemeral();

    public static int Next()
    {
        for (var tries = 0; ; tries++)
        {
            // Port 0 (any free port, from the ephemeral range) only where there is no room below it.
            var wanted = Range.High > Range.Low && tries < 1000 ? Random.Shared.Next(Range.Low, Range.High) : 0;
            using var listener = new TcpListener(IPAddress.Loopback, wanted);
            try
            {
                listener.Start();
            }
            catch (SocketException) when (wanted != 0)
            {
                continue; // in use: try another
            }
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            lock (Given)
            {
                if (Given.Add(port))
                {
                    return port;
                }
            }
        }
    }

    /// <summary>From 20000 up to the start of the system's ephemeral range (at most 32768, the range's usual start), or
    /// an empty range when that cannot be read or starts lower.</summary>
    private static (int Low, int High) BelowEphemeral()
    {
        try
        {
            var text = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range");
            return int.TryParse(text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(), NumberStyles.None,
                CultureInfo.InvariantCulture, out var first) ? (20000, Math.Min(first, 32768)) : (0, 0);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (0, 0);
        }
    }
}
