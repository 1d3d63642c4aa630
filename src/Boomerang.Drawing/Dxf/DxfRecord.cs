using System.Globalization;

namespace Boomerang.Drawing.Dxf;

/// <summary>The group pairs of one entity record (everything between two code-0 pairs).</summary>
internal sealed class DxfRecord(string type, List<(int Code, string Value)> pairs)
{
    public string Type => type;
    public List<(int Code, string Value)> Pairs => pairs;

    public string Layer => String(8) ?? "0";

    public string? String(int code)
    {
        foreach (var (c, v) in pairs) if (c == code) return v;
        return null;
    }

    public double Double(int code, double fallback = 0)
    {
        foreach (var (c, v) in pairs) if (c == code) return Parse(v);
        return fallback;
    }

    public int Int(int code, int fallback = 0)
    {
        foreach (var (c, v) in pairs)
            if (c == code && int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i)) return i;
        return fallback;
    }

    public DxfPoint Point(int xCode) => new(Double(xCode), Double(xCode + 10));

    /// <summary>Every point given by repeated xCode/yCode pairs, in order.</summary>
    public List<DxfPoint> Points(int xCode)
    {
        var list = new List<DxfPoint>();
        for (var i = 0; i < pairs.Count; i++)
            if (pairs[i].Code == xCode)
            {
                var y = i + 1 < pairs.Count && pairs[i + 1].Code == xCode + 10 ? Parse(pairs[i + 1].Value) : 0;
                list.Add(new DxfPoint(Parse(pairs[i].Value), y));
            }
        return list;
    }

    public List<double> Doubles(int code)
    {
        var list = new List<double>();
        foreach (var (c, v) in pairs) if (c == code) list.Add(Parse(v));
        return list;
    }

    public static double Parse(string v) =>
        double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) ? d : 0;
}
