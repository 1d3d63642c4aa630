using Boomerang.Drawing.Decoding;

namespace Boomerang.Drawing.Dxf;

/// <summary>A drawn stroke in drawing units: an open or closed polyline, optionally filled.</summary>
internal readonly record struct Stroke(DxfPoint[] Points, bool Closed, bool Filled);

/// <summary>Expands a drawing to strokes: curves flattened, INSERTs and DIMENSION blocks expanded with their
/// transforms (depth and total size capped), text drawn as a font-independent glyph pattern.</summary>
internal sealed class DxfFlattener(DxfDocument doc, DrawingLimits limits)
{
    private readonly List<Stroke> _strokes = [];

    public static List<Stroke> Flatten(DxfDocument doc, DrawingLimits limits)
    {
        var f = new DxfFlattener(doc, limits);
        foreach (var e in doc.Entities) f.Add(e, Transform.Identity, 0);
        return f._strokes;
    }

    private void Add(DxfEntity entity, Transform t, int depth)
    {
        switch (entity)
        {
            case DxfLine l: Emit([l.Start, l.End], t, false); break;
            case DxfCircle c: Emit(Ellipse(c.Center, new DxfPoint(c.Radius, 0), 1, 0, 2 * Math.PI), t, true); break;
            case DxfArc a:
                var start = a.StartAngle * Math.PI / 180;
                var end = a.EndAngle * Math.PI / 180;
                while (end <= start) end += 2 * Math.PI;
                Emit(Ellipse(a.Center, new DxfPoint(a.Radius, 0), 1, start, end), t, false);
                break;
            case DxfEllipse e:
                var e1 = e.EndParam;
                while (e1 <= e.StartParam) e1 += 2 * Math.PI;
                Emit(Ellipse(e.Center, e.MajorAxis, e.Ratio, e.StartParam, e1), t, false);
                break;
            case DxfPolyline p: Emit(WithBulges(p), t, p.Closed); break;
            case DxfText x: EmitText(x, t); break;
            case DxfHatch h:
                foreach (var loop in h.Loops) Emit([.. loop], t, true, h.Solid);
                break;
            case DxfInsert i: Expand(i.Block, t.Then(i.Position, i.ScaleX, i.ScaleY, i.Rotation), depth); break;
            case DxfDimension d when d.Block is not null: Expand(d.Block, t, depth); break;
        }
    }

    private void Expand(string blockName, Transform t, int depth)
    {
        if (depth >= limits.MaxBlockDepth)
            throw new DrawingFileException(422, "BLOCK_NESTING_TOO_DEEP", $"Block references nest deeper than {limits.MaxBlockDepth} levels.");
        if (!doc.Blocks.TryGetValue(blockName, out var block)) return;
        var inner = t.WithBase(block.BasePoint);
        foreach (var e in block.Entities) Add(e, inner, depth + 1);
    }

    private void Emit(DxfPoint[] points, Transform t, bool closed, bool filled = false)
    {
        if (points.Length < 2) return;
        if (_strokes.Count >= limits.MaxRenderedPrimitives)
            throw DrawingFileException.TooLarge($"The drawing expands to more than {limits.MaxRenderedPrimitives:N0} primitives (block references).");
        for (var i = 0; i < points.Length; i++) points[i] = t.Apply(points[i]);
        _strokes.Add(new Stroke(points, closed, filled));
    }

    private static DxfPoint[] Ellipse(DxfPoint c, DxfPoint major, double ratio, double t0, double t1)
    {
        var steps = Math.Clamp((int)Math.Ceiling((t1 - t0) / (2 * Math.PI) * 72), 4, 72);
        var pts = new DxfPoint[steps + 1];
        var minor = new DxfPoint(-major.Y * ratio, major.X * ratio);
        for (var s = 0; s <= steps; s++)
        {
            var a = t0 + (t1 - t0) * s / steps;
            var (cos, sin) = (Math.Cos(a), Math.Sin(a));
            pts[s] = new DxfPoint(c.X + major.X * cos + minor.X * sin, c.Y + major.Y * cos + minor.Y * sin);
        }
        return pts;
    }

    // A bulge b on a segment is an arc whose included angle is 4·atan(b).
    private static DxfPoint[] WithBulges(DxfPolyline p)
    {
        if (p.Bulges.All(b => b == 0)) return [.. p.Points];
        var result = new List<DxfPoint>();
        var n = p.Points.Count;
        for (var i = 0; i < n; i++)
        {
            var a = p.Points[i];
            result.Add(a);
            if (!p.Closed && i == n - 1) break;
            var b = p.Points[(i + 1) % n];
            var bulge = i < p.Bulges.Count ? p.Bulges[i] : 0;
            if (bulge == 0) continue;
            var theta = 4 * Math.Atan(bulge);
            var chord = Math.Sqrt((b.X - a.X) * (b.X - a.X) + (b.Y - a.Y) * (b.Y - a.Y));
            if (chord == 0) continue;
            var radius = chord / (2 * Math.Sin(theta / 2));
            var mid = new DxfPoint((a.X + b.X) / 2, (a.Y + b.Y) / 2);
            var h = radius * Math.Cos(theta / 2);
            var (nx, ny) = (-(b.Y - a.Y) / chord, (b.X - a.X) / chord);
            var c = new DxfPoint(mid.X + nx * h, mid.Y + ny * h);
            var start = Math.Atan2(a.Y - c.Y, a.X - c.X);
            const int steps = 12;
            for (var s = 1; s < steps; s++)
            {
                var ang = start + theta * s / steps;
                result.Add(new DxfPoint(c.X + Math.Abs(radius) * Math.Cos(ang), c.Y + Math.Abs(radius) * Math.Sin(ang)));
            }
        }
        return [.. result];
    }

    // Text is drawn without fonts (none are guaranteed on a server): each character becomes a few strokes in its cell,
    // chosen by the character's code, so the same text looks the same and different text looks different.
    private void EmitText(DxfText x, Transform t)
    {
        var h = x.Height > 0 ? x.Height : 1;
        var w = h * 0.6;
        var rot = Transform.Identity.Then(x.Position, 1, 1, x.Rotation);
        var line = 0;
        var col = 0;
        foreach (var ch in x.Value)
        {
            if (ch == '\n') { line++; col = 0; continue; }
            if (!char.IsWhiteSpace(ch))
            {
                var x0 = col * w;
                var y0 = -line * h * 1.4;
                var code = ch * 2654435761u;
                for (var seg = 0; seg < 7; seg++)
                {
                    if (((code >> (seg * 3 + 5)) & 1) == 0 && seg != 0) continue;
                    var (ax, ay, bx, by) = Segment(seg);
                    Emit([new DxfPoint(x0 + ax * w * 0.8, y0 + ay * h), new DxfPoint(x0 + bx * w * 0.8, y0 + by * h)], t.Compose(rot), false);
                }
            }
            col++;
        }
    }

    private static (double, double, double, double) Segment(int s) => s switch
    {
        0 => (0, 0, 0, 1),
        1 => (0, 1, 1, 1),
        2 => (1, 1, 1, 0),
        3 => (0, 0, 1, 0),
        4 => (0, 0.5, 1, 0.5),
        5 => (0, 0, 1, 1),
        _ => (0, 1, 1, 0),
    };
}
