using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;

namespace Boomerang.Server.Dashboard;

/// <summary>
/// A tiny HTML writer: <see cref="Append"/> takes trusted markup written in this code, <see cref="Text"/> encodes
/// anything else, so every value that came from a user or a receiver goes through <see cref="HtmlEncoder"/>.
/// </summary>
internal sealed class Html
{
    private readonly StringBuilder _b = new();

    public Html Append(string trustedMarkup)
    {
        _b.Append(trustedMarkup);
        return this;
    }

    public Html Text(string? value)
    {
        _b.Append(HtmlEncoder.Default.Encode(value ?? ""));
        return this;
    }

    public Html Tag(string tag, string? text, string? cssClass = null)
    {
        _b.Append('<').Append(tag);
        if (cssClass is not null)
        {
            _b.Append(" class=\"").Append(cssClass).Append('"');
        }
        _b.Append('>');
        Text(text);
        _b.Append("</").Append(tag).Append('>');
        return this;
    }

    public static string Encode(string? value) => HtmlEncoder.Default.Encode(value ?? "");

    /// <summary>A value for a URL query or path segment inside an attribute.</summary>
    public static string Url(string value) => HtmlEncoder.Default.Encode(Uri.EscapeDataString(value));

    public static string Time(double? epochSeconds) => epochSeconds is { } s
        ? DateTimeOffset.FromUnixTimeMilliseconds((long)(s * 1000)).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)
        : "–";

    public override string ToString() => _b.ToString();
}
