using System.Text;

namespace Boomerang.Drawing.Dxf;

/// <summary>Turns one entity record into a <see cref="DxfEntity"/>; unknown types give null (skipped).</summary>
internal static class DxfEntityBuilder
{
    public static DxfEntity? Build(DxfRecord r) => r.Type switch
    {
        "LINE" => new DxfLine(r.Layer, r.Point(10), r.Point(11)),
        "CIRCLE" => new DxfCircle(r.Layer, r.Point(10), r.Double(40)),
        "ARC" => new DxfArc(r.Layer, r.Point(10), r.Double(40), r.Double(50), r.Double(51, 360)),
        "ELLIPSE" => new DxfEllipse(r.Layer, r.Point(10), r.Point(11), r.Double(40, 1), r.Double(41), r.Double(42, Math.PI * 2)),
        "LWPOLYLINE" => LwPolyline(r),
        "SPLINE" => Spline(r),
        "LEADER" => new DxfPolyline(r.Layer, "LEADER", r.Points(10), [], false),
        "TEXT" => new DxfText(r.Layer, "TEXT", r.Point(10), r.Double(40, 1), r.Double(50), r.String(1) ?? ""),
        "MTEXT" => new DxfText(r.Layer, "MTEXT", r.Point(10), r.Double(40, 1), r.Double(50), CleanMText(r)),
        "INSERT" => new DxfInsert(r.Layer, r.String(2) ?? "", r.Point(10), r.Double(41, 1), r.Double(42, 1), r.Double(50)),
        "DIMENSION" => new DxfDimension(r.Layer, r.String(2), r.Int(70) & 0x0F, r.Point(10), r.Point(11),
            r.String(42) is null ? null : r.Double(42), r.String(1) ?? ""),
        "HATCH" => DxfHatchBuilder.Build(r),
        _ => null,
    };

    public static DxfPolyline Polyline(DxfRecord header, List<DxfRecord> vertices)
    {
        var points = new List<DxfPoint>(vertices.Count);
        var bulges = new List<double>(vertices.Count);
        foreach (var v in vertices)
        {
            if ((v.Int(70) & 16) != 0) continue; // spline frame control point, not on the curve
            points.Add(v.Point(10));
            bulges.Add(v.Double(42));
        }
        return new DxfPolyline(header.Layer, "POLYLINE", points, bulges, (header.Int(70) & 1) != 0);
    }

    private static DxfPolyline LwPolyline(DxfRecord r)
    {
        var points = new List<DxfPoint>();
        var bulges = new List<double>();
        for (var i = 0; i < r.Pairs.Count; i++)
        {
            var (code, value) = r.Pairs[i];
            if (code == 10)
            {
                var y = i + 1 < r.Pairs.Count && r.Pairs[i + 1].Code == 20 ? DxfRecord.Parse(r.Pairs[i + 1].Value) : 0;
                points.Add(new DxfPoint(DxfRecord.Parse(value), y));
                bulges.Add(0);
            }
            else if (code == 42 && bulges.Count > 0) bulges[^1] = DxfRecord.Parse(value);
        }
        return new DxfPolyline(r.Layer, "LWPOLYLINE", points, bulges, (r.Int(70) & 1) != 0);
    }

    // A SPLINE as a polyline: fit points when present, else the B-spline evaluated from its control points and knots
    // (the control polygon when the knot vector does not match).
    private static DxfPolyline Spline(DxfRecord r)
    {
        var fit = r.Points(11);
        if (fit.Count >= 2) return new DxfPolyline(r.Layer, "SPLINE", fit, [], (r.Int(70) & 1) != 0);
        var control = r.Points(10);
        var knots = r.Doubles(40);
        var degree = r.Int(71, 3);
        var points = BSpline.Evaluate(control, knots, degree, segments: Math.Clamp(control.Count * 8, 8, 512));
        return new DxfPolyline(r.Layer, "SPLINE", points, [], (r.Int(70) & 1) != 0);
    }

    private static string CleanMText(DxfRecord r)
    {
        var raw = new StringBuilder();
        foreach (var (c, v) in r.Pairs) if (c == 3) raw.Append(v);
        raw.Append(r.String(1) ?? "");
        var s = raw.ToString();
        var sb = new StringBuilder(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            var ch = s[i];
            if (ch is '{' or '}') continue;
            if (ch != '\\' || i + 1 >= s.Length) { sb.Append(ch); continue; }
            var next = s[i + 1];
            switch (next)
            {
                case 'P' or 'X': sb.Append('\n'); i++; break;
                case '~': sb.Append(' '); i++; break;
                case '\\' or '{' or '}': sb.Append(next); i++; break;
                case 'f' or 'F' or 'H' or 'W' or 'Q' or 'T' or 'A' or 'C' or 'c' or 'p':
                    var semi = s.IndexOf(';', i);
                    i = semi < 0 ? s.Length : semi;
                    break;
                case 'L' or 'l' or 'O' or 'o' or 'K' or 'k': i++; break;
                default: sb.Append(ch); break;
            }
        }
        return sb.ToString().Trim();
    }
}
