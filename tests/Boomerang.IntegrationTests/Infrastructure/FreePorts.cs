using System.Net;
using System.Net.Sockets;

namespace Boomerang.IntegrationTests.Infrastructure;

/// <summary>
/// Ports for processes that are told which port to listen on. The system may hand out a port again as soon as its
/// probe closes; two servers started together could then be given the same one, and the second's readiness probe
/// would be answered by the first. So a port is handed out at most once in a test run.
/// </summary>
public static class FreePorts
{
    private static readonly HashSet<int> Given = [];

    public static int Next()
    {
        while (true)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
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
}
