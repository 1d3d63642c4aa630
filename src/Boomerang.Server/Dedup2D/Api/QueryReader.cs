using Microsoft.AspNetCore.Http.HttpResults;
using System.Globalization;

namespace Boomerang.Server.Dedup2D.Api;

/// <summary>Reads query parameters the way FastAPI does; the first bad one becomes a 422 naming it.</summary>
internal sealed class QueryReader(IQueryCollection query)
{
    public JsonHttpResult<Dedup2DError>? Error { get; private set; }

    public bool Has(string name) => query.ContainsKey(name);

    public string? String(string name) => query.TryGetValue(name, out var v) ? v.ToString() : null;

    public bool Bool(string name, bool fallback)
    {
        if (String(name) is not { } raw)
        {
            return fallback;
        }
        switch (raw.Trim().ToLowerInvariant())
        {
            case "1" or "true" or "t" or "yes" or "y" or "on":
                return true;
            case "0" or "false" or "f" or "no" or "n" or "off":
                return false;
            default:
                Fail(name, "bool_parsing", "Input should be a valid boolean, unable to interpret input", raw);
                return fallback;
        }
    }

    public int Int(string name, int fallback, int? min = null, int? max = null)
    {
        if (String(name) is not { } raw)
        {
            return fallback;
        }
        if (!int.TryParse(raw.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            Fail(name, "int_parsing", "Input should be a valid integer, unable to parse string as an integer", raw);
            return fallback;
        }
        if (value < min || value > max)
        {
            Fail(name, "out_of_range", $"Input should be between {min} and {max}", raw);
        }
        return value;
    }

    public double Double(string name, double fallback)
    {
        if (String(name) is not { } raw)
        {
            return fallback;
        }
        if (!double.TryParse(raw.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
        {
            Fail(name, "float_parsing", "Input should be a valid number, unable to parse string as a number", raw);
            return fallback;
        }
        return value;
    }

    private void Fail(string name, string type, string message, string raw) =>
        Error ??= Replies.Invalid("query", name, type, message, raw);
}
