using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Boomerang.Bench;

/// <summary>redis-server's CPU so far (user and system seconds, <c>INFO cpu</c>), read over a plain connection so the
/// harness needs no Redis client: the Redis runs report Redis's CPU over the same span as the processes'.</summary>
internal static class RedisCpu
{
    /// <summary><paramref name="configuration"/> is the StackExchange.Redis string the server gets; its first
    /// endpoint (<c>host:port</c>) is asked. Null when Redis cannot be asked (a password, TLS, no answer).</summary>
    public static async Task<double?> SecondsAsync(string configuration)
    {
        var endpoint = configuration.Split(',')[0].Trim();
        var colon = endpoint.LastIndexOf(':');
        if (colon < 0 || !int.TryParse(endpoint[(colon + 1)..], out var port))
        {
            return null;
        }
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(endpoint[..colon], port).WaitAsync(TimeSpan.FromSeconds(5));
            var stream = client.GetStream();
            await stream.WriteAsync("INFO cpu\r\n"u8.ToArray());
            var reply = new StringBuilder();
            var buffer = new byte[4096];
            // A bulk reply: "$<length>\r\n<text>\r\n"; read until the text is complete.
            while (true)
            {
                var read = await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(5));
                if (read == 0)
                {
                    return null;
                }
                reply.Append(Encoding.ASCII.GetString(buffer, 0, read));
                var text = reply.ToString();
                var header = text.IndexOf("\r\n", StringComparison.Ordinal);
                if (!text.StartsWith('$') || header < 0)
                {
                    if (text.StartsWith('-'))
                    {
                        return null;
                    }
                    continue;
                }
                var length = int.Parse(text[1..header], CultureInfo.InvariantCulture);
                if (text.Length < header + 2 + length)
                {
                    continue;
                }
                return text.Substring(header + 2, length).Split("\r\n")
                    .Where(l => l.StartsWith("used_cpu_user:", StringComparison.Ordinal) || l.StartsWith("used_cpu_sys:", StringComparison.Ordinal))
                    .Sum(l => double.Parse(l[(l.IndexOf(':') + 1)..], CultureInfo.InvariantCulture));
            }
        }
        catch (Exception e) when (e is SocketException or IOException or TimeoutException)
        {
            return null;
        }
    }
}
