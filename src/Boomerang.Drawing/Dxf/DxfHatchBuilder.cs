namespace Boomerang.Drawing.Dxf;

/// <summary>HATCH boundary loops, read in group order: each loop is a polyline path or a list of edges (line, arc,
/// ellipse, spline), flattened to points.</summary>
internal static class DxfHatchBuilder
{
    public static DxfHatch Build(DxfRecord r)
    {
        var pairs = r.Pairs;
        var loops = new List<IReadOnlyList<DxfPoint>>();
        var i = pairs.FindIndex(p => p.Code == 91);
        var loopCount = i < 0 ? 0 : (int)DxfRecord.Parse(pairs[i].Value);
        i++;
        for (var loop = 0; loop < loopCount && i > 0 && i < pairs.Count; loop++)
        {
            i = Seek(pairs, i, 92);
            if (i >= pairs.Count) break;
            var flags = (int)DxfRecord.Parse(pairs[i].Value);
            i++;
            var points = new List<DxfPoint>();
            if ((flags & 2) != 0) i = ReadPolylineLoop(pairs, i, points);
            else i = ReadEdgeLoop(pairs, i, points);
            if (points.Count >= 2) loops.Add(points);
        }
        return new DxfHatch(r.Layer, r.String(2) ?? "", r.Int(70) == 1, loops);
    }

    private static int ReadPolylineLoop(List<(int Code, string Value)> pairs, int i, List<DxfPoint> points)
    {
        i = Seek(pairs, i, 93);
        if (i >= pairs.Count) return i;
        var count = (int)DxfRecord.Parse(pairs[i].Value);
        i++;
        while (i < pairs.Count && points.Count < count)
        {
            if (pairs[i].Code == 10 && i + 1 < pairs.Count)
                points.Add(new DxfPoint(DxfRecord.Parse(pairs[i].Value), DxfRecord.Parse(pairs[i + 1].Value)));
            i++;
        }
        return i;
    }

    private static int ReadEdgeLoop(List<(int Code, string Value)> pairs, int i, List<DxfPoint> points)
    {
        i = Seek(pairs, i, 93);
        if (i >= pairs.Count) return i;
        var edges = (int)DxfRecord.Parse(pairs[i].Value);
        i++;
        for (var e = 0; e < edges && i < pairs.Count; e++)
        {
            i = Seek(pairs, i, 72);
            if (i >= pairs.Count) break;
            var type = (int)DxfRecord.Parse(pairs[i].Value);
            i++;
            var values = new Dictionary<int, double>();
            var splinePoints = new List<DxfPoint>();
            // An edge's own groups run until the next edge type (72), loop (92) or the end of the boundary (97).
            while (i < pairs.Count && pairs[i].Code is not (72 or 92 or 97 or 75))
            {
                var (code, value) = pairs[i];
                if (type == 4 && code == 10 && i + 1 < pairs.Count)
                    splinePoints.Add(new DxfPoint(DxfRecord.Parse(value), DxfRecord.Parse(pairs[i + 1].Value)));
                values.TryAdd(code, DxfRecord.Parse(value));
                i++;
            }
            double V(int c) => values.GetValueOrDefault(c);
            switch (type)
            {
                case 1:
                    points.Add(new DxfPoint(V(10), V(20)));
                    points.Add(new DxfPoint(V(11), V(21)));
                    break;
                case 2:
                    AddArc(points, V(10), V(20), V(40), V(40), 0, V(50), V(51), values.GetValueOrDefault(73, 1) != 0);
                    break;
                case 3:
                    var major = Math.Sqrt(V(11) * V(11) + V(21) * V(21));
                    AddArc(points, V(10), V(20), major, major * V(40), Math.Atan2(V(21), V(11)), V(50), V(51),
                        values.GetValueOrDefault(73, 1) != 0);
                    break;
                case 4:
                    points.AddRange(splinePoints);
                    break;
            }
        }
        return i;
    }

    private static void AddArc(List<DxfPoint> points, double cx, double cy, double rx, double ry, double rotation,
        double startDeg, double endDeg, bool ccw)
    {
        var start = startDeg * Math.PI / 180;
        var end = endDeg * Math.PI / 180;
        if (!ccw) (start, end) = (-start, -end);
        while (end <= start) end += 2 * Math.PI;
        const int steps = 16;
        for (var s = 0; s <= steps; s++)
        {
            var t = start + (end - start) * s / steps;
            var (x, y) = (rx * Math.Cos(t), ry * Math.Sin(t) * (ccw ? 1 : -1));
            points.Add(new DxfPoint(cx + x * Math.Cos(rotation) - y * Math.Sin(rotation), cy + x * Math.Sin(rotation) + y * Math.Cos(rotation)));
        }
    }

    private static int Seek(List<(int Code, string Value)> pairs, int i, int code)
    {
        while (i < pairs.Count && pairs[i].Code != code) i++;
        return i;
    }
}
