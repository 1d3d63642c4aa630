using Boomerang.Drawing.Dxf;

namespace Boomerang.DrawingBench;

/// <summary>Synthetic mechanical drawings: an A3 frame with a title block (the same layout on every sheet, as in a real
/// archive), one to three parts made of outlines, holes, arcs, slots and centre lines, dimensions and notes.</summary>
internal static class DrawingGenerator
{
    public static DxfDocument Drawing(int seed)
    {
        var rng = new Random(seed);
        var e = new List<DxfEntity>();
        // Frame and title block: identical on every sheet except the text.
        Rect(e, "FRAME", 0, 0, 420, 297);
        Rect(e, "FRAME", 10, 10, 400, 277);
        Rect(e, "FRAME", 230, 10, 180, 40);
        e.Add(new DxfLine("FRAME", new(230, 30), new(410, 30)));
        e.Add(new DxfLine("FRAME", new(320, 10), new(320, 50)));
        e.Add(new DxfText("TITLE", "TEXT", new(235, 38), 5, 0, $"PART {seed % 100000:00000}"));
        e.Add(new DxfText("TITLE", "TEXT", new(325, 38), 4, 0, $"DWG-{seed:000000}"));
        e.Add(new DxfText("TITLE", "TEXT", new(235, 18), 3.5, 0, rng.Next(3) switch { 0 => "S235JR", 1 => "AlMg3", _ => "42CrMo4" }));
        var parts = rng.Next(1, 4);
        for (var p = 0; p < parts; p++)
        {
            // Parts occupy the drawing area above the title block, side by side.
            var cellW = 380.0 / parts;
            Part(e, rng, 20 + p * cellW, 60, cellW - 15, 210);
        }
        return new DxfDocument(e, new Dictionary<string, DxfBlock>(), new Dictionary<string, DxfLayer>
        {
            ["FRAME"] = new("FRAME", 7), ["PART"] = new("PART", 7), ["DIM"] = new("DIM", 3), ["CENTER"] = new("CENTER", 1), ["TITLE"] = new("TITLE", 7),
        }, new Dictionary<string, string> { ["$ACADVER"] = "AC1009" });
    }

    private static void Part(List<DxfEntity> e, Random rng, double x0, double y0, double maxW, double maxH)
    {
        var w = maxW * (0.45 + 0.5 * rng.NextDouble());
        var h = maxH * (0.3 + 0.6 * rng.NextDouble());
        var x = x0 + (maxW - w) * rng.NextDouble();
        var y = y0 + (maxH - h) * rng.NextDouble();
        var c = Math.Min(w, h) * 0.1 * rng.NextDouble();
        // Outline with chamfered corners.
        e.Add(new DxfPolyline("PART", "LWPOLYLINE",
            [new(x + c, y), new(x + w - c, y), new(x + w, y + c), new(x + w, y + h - c), new(x + w - c, y + h), new(x + c, y + h), new(x, y + h - c), new(x, y + c)],
            [0, 0, 0, 0, 0, 0, 0, 0], true));
        var features = rng.Next(4, 12);
        for (var i = 0; i < features; i++)
        {
            var fx = x + w * (0.15 + 0.7 * rng.NextDouble());
            var fy = y + h * (0.15 + 0.7 * rng.NextDouble());
            var r = Math.Min(w, h) * (0.03 + 0.12 * rng.NextDouble());
            switch (rng.Next(5))
            {
                case 0 or 1:
                    e.Add(new DxfCircle("PART", new(fx, fy), r));
                    e.Add(new DxfLine("CENTER", new(fx - r * 1.4, fy), new(fx + r * 1.4, fy)));
                    e.Add(new DxfLine("CENTER", new(fx, fy - r * 1.4), new(fx, fy + r * 1.4)));
                    break;
                case 2:
                    e.Add(new DxfArc("PART", new(fx, fy), r * 1.5, rng.Next(0, 180), rng.Next(200, 360)));
                    break;
                case 3: // a slot: two lines and two half arcs
                    var len = r * 3;
                    e.Add(new DxfLine("PART", new(fx, fy - r), new(fx + len, fy - r)));
                    e.Add(new DxfLine("PART", new(fx, fy + r), new(fx + len, fy + r)));
                    e.Add(new DxfArc("PART", new(fx, fy), r, 90, 270));
                    e.Add(new DxfArc("PART", new(fx + len, fy), r, 270, 90));
                    break;
                default:
                    var rw = r * 2.5;
                    Rect(e, "PART", fx - rw / 2, fy - r, rw, 2 * r);
                    break;
            }
        }
        // Dimensions: overall width and height with text.
        e.Add(new DxfLine("DIM", new(x, y - 8), new(x + w, y - 8)));
        e.Add(new DxfLine("DIM", new(x, y - 2), new(x, y - 11)));
        e.Add(new DxfLine("DIM", new(x + w, y - 2), new(x + w, y - 11)));
        e.Add(new DxfText("DIM", "TEXT", new(x + w / 2 - 6, y - 7), 3.5, 0, $"{w:0.0}"));
        e.Add(new DxfLine("DIM", new(x - 8, y), new(x - 8, y + h)));
        e.Add(new DxfText("DIM", "TEXT", new(x - 10, y + h / 2), 3.5, 90, $"{h:0.0}"));
    }

    private static void Rect(List<DxfEntity> e, string layer, double x, double y, double w, double h) =>
        e.Add(new DxfPolyline(layer, "LWPOLYLINE", [new(x, y), new(x + w, y), new(x + w, y + h), new(x, y + h)], [0, 0, 0, 0], true));

    /// <summary>A revision: <paramref name="fraction"/> of the part entities (not the frame) moved, resized, removed or
    /// replaced by new ones.</summary>
    public static DxfDocument Revise(DxfDocument doc, double fraction, int seed)
    {
        var rng = new Random(seed);
        var entities = doc.Entities.ToList();
        var editable = Enumerable.Range(0, entities.Count).Where(i => entities[i].Layer is "PART" or "DIM" or "CENTER").ToList();
        var changes = Math.Max(1, (int)Math.Round(entities.Count * fraction));
        for (var k = 0; k < changes && editable.Count > 0; k++)
        {
            var pick = editable[rng.Next(editable.Count)];
            var dx = (rng.NextDouble() - 0.5) * 60;
            var dy = (rng.NextDouble() - 0.5) * 40;
            entities[pick] = rng.Next(3) switch
            {
                0 => Move(entities[pick], dx, dy),
                1 => new DxfCircle("PART", new(60 + rng.NextDouble() * 300, 70 + rng.NextDouble() * 190), 3 + rng.NextDouble() * 12),
                _ => Scale(entities[pick], 1.3 + rng.NextDouble() * 0.6),
            };
        }
        return doc with { Entities = entities };
    }

    private static DxfEntity Move(DxfEntity e, double dx, double dy)
    {
        DxfPoint M(DxfPoint p) => new(p.X + dx, p.Y + dy);
        return e switch
        {
            DxfLine l => l with { Start = M(l.Start), End = M(l.End) },
            DxfCircle c => c with { Center = M(c.Center) },
            DxfArc a => a with { Center = M(a.Center) },
            DxfPolyline p => p with { Points = [.. p.Points.Select(M)] },
            DxfText t => t with { Position = M(t.Position), Value = t.Value + "A" },
            _ => e,
        };
    }

    private static DxfEntity Scale(DxfEntity e, double f) => e switch
    {
        DxfCircle c => c with { Radius = c.Radius * f },
        DxfArc a => a with { Radius = a.Radius * f },
        DxfLine l => l with { End = new(l.Start.X + (l.End.X - l.Start.X) * f, l.Start.Y + (l.End.Y - l.Start.Y) * f) },
        DxfPolyline p => p with { Points = [.. p.Points.Select(q => new DxfPoint(p.Points[0].X + (q.X - p.Points[0].X) * f, p.Points[0].Y + (q.Y - p.Points[0].Y) * f))] },
        DxfText t => t with { Value = "REV " + t.Value },
        _ => e,
    };
}
