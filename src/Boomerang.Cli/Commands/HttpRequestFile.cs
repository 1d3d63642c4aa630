using System.Globalization;
using System.Text;

namespace Boomerang.Cli.Commands;

/// <summary>A raw HTTP/1.1 request as saved to a file: request line, headers, blank line, body (CRLF or LF line ends).</summary>
internal sealed record HttpRequestFile(string Method, string Path, Dictionary<string, string> Headers, byte[] Body)
{
    public static HttpRequestFile Parse(byte[] raw)
    {
        var (headEnd, bodyStart) = FindHeadEnd(raw);
        if (headEnd < 0)
        {
            throw new CliError("the request has no blank line between headers and body; expected a raw HTTP request (request line, headers, blank line, body)");
        }
        var lines = Encoding.Latin1.GetString(raw, 0, headEnd).Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        var requestLine = lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (requestLine.Length < 2)
        {
            throw new CliError($"the first line '{lines[0]}' is not a request line such as 'POST /hook HTTP/1.1'");
        }
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                throw new CliError($"'{line}' is not a header line (name: value)");
            }
            var name = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            headers[name] = headers.TryGetValue(name, out var earlier) ? $"{earlier}, {value}" : value;
        }
        var body = raw[bodyStart..];
        if (headers.TryGetValue("content-length", out var lengthText))
        {
            if (!int.TryParse(lengthText, NumberStyles.None, CultureInfo.InvariantCulture, out var length) || length > body.Length)
            {
                throw new CliError($"Content-Length {lengthText} does not match the {body.Length} body bytes");
            }
            body = body[..length];
        }
        return new HttpRequestFile(requestLine[0], requestLine[1], headers, body);
    }

    private static (int HeadEnd, int BodyStart) FindHeadEnd(byte[] raw)
    {
        for (var i = 0; i < raw.Length - 1; i++)
        {
            if (raw[i] == '\n' && raw[i + 1] == '\n')
            {
                return (i, i + 2);
            }
            if (raw[i] == '\n' && i + 2 < raw.Length && raw[i + 1] == '\r' && raw[i + 2] == '\n')
            {
                return (i, i + 3);
            }
        }
        return (-1, -1);
    }
}
