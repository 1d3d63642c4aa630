using System.Globalization;
using System.Text;

namespace Boomerang.Drawing.Dxf;

/// <summary>Writes a <see cref="DxfDocument"/> as ASCII DXF (the subset <see cref="DxfReader"/> reads). Used by the
/// tests and the evaluation corpus generator.</summary>
internal static class DxfWriter
{
    public static string Write(DxfDocument doc)
    {
        var w = new StringBuilder();
        void G(int code, object value) =>
            w.Append(code.ToString(CultureInfo.InvariantCulture)).Append('\n')
             .Append(value is double d ? d.ToString("0.######", CultureInfo.InvariantCulture) : Convert.ToString(value, CultureInfo.InvariantCulture)).Append('\n');
        G(0, "SECTION"); G(2, "HEADER");
        foreach (var (k, v) in doc.Header) { G(9, k); G(1, v); }
        G(0, "ENDSEC");
        G(0, "SECTION"); G(2, "TABLES"); G(0, "TABLE"); G(2, "LAYER");
        foreach (var l in doc.Layers.Values) { G(0, "LAYER"); G(2, l.Name); G(70, 0); G(62, l.Color); G(6, "CONTINUOUS"); }
        G(0, "ENDTAB"); G(0, "ENDSEC");
        G(0, "SECTION"); G(2, "BLOCKS");
        foreach (var b in doc.Blocks.Values)
        {
            G(0, "BLOCK"); G(8, "0"); G(2, b.Name); G(70, 0); G(10, b.BasePoint.X); G(20, b.BasePoint.Y);
            foreach (var e in b.Entities) Entity(G, e);
            G(0, "ENDBLK"); G(8, "0");
        }
        G(0, "ENDSEC");
        G(0, "SECTION"); G(2, "ENTITIES");
        foreach (var e in doc.Entities) Entity(G, e);
        G(0, "ENDSEC"); G(0, "EOF");
        return w.ToString();
    }

    private static void Entity(Action<int, object> G, DxfEntity e)
    {
        void P(int code, DxfPoint p) { G(code, p.X); G(code + 10, p.Y); }
        switch (e)
        {
            case DxfLine l: G(0, "LINE"); G(8, l.Layer); P(10, l.Start); P(11, l.End); break;
            case DxfCircle c: G(0, "CIRCLE"); G(8, c.Layer); P(10, c.Center); G(40, c.Radius); break;
            case DxfArc a: G(0, "ARC"); G(8, a.Layer); P(10, a.Center); G(40, a.Radius); G(50, a.StartAngle); G(51, a.EndAngle); break;
            case DxfEllipse el:
                G(0, "ELLIPSE"); G(8, el.Layer); P(10, el.Center); P(11, el.MajorAxis); G(40, el.Ratio); G(41, el.StartParam); G(42, el.EndParam);
                break;
            case DxfPolyline p when p.SourceType == "LEADER":
                G(0, "LEADER"); G(8, p.Layer);
                foreach (var pt in p.Points) P(10, pt);
                break;
            case DxfPolyline p when p.SourceType == "POLYLINE":
                G(0, "POLYLINE"); G(8, p.Layer); G(66, 1); G(70, p.Closed ? 1 : 0);
                for (var i = 0; i < p.Points.Count; i++)
                {
                    G(0, "VERTEX"); G(8, p.Layer); P(10, p.Points[i]);
                    if (i < p.Bulges.Count && p.Bulges[i] != 0) G(42, p.Bulges[i]);
                }
                G(0, "SEQEND"); G(8, p.Layer);
                break;
            case DxfPolyline p when p.SourceType == "SPLINE":
                G(0, "SPLINE"); G(8, p.Layer); G(70, 8); G(71, 3); G(74, p.Points.Count);
                foreach (var pt in p.Points) P(11, pt);
                break;
            case DxfPolyline p:
                G(0, "LWPOLYLINE"); G(8, p.Layer); G(90, p.Points.Count); G(70, p.Closed ? 1 : 0);
                for (var i = 0; i < p.Points.Count; i++)
                {
                    P(10, p.Points[i]);
                    if (i < p.Bulges.Count && p.Bulges[i] != 0) G(42, p.Bulges[i]);
                }
                break;
            case DxfText t:
                G(0, t.SourceType); G(8, t.Layer); P(10, t.Position); G(40, t.Height); G(50, t.Rotation);
                G(1, t.SourceType == "MTEXT" ? t.Value.Replace("\n", "\\P", StringComparison.Ordinal) : t.Value);
                break;
            case DxfInsert i:
                G(0, "INSERT"); G(8, i.Layer); G(2, i.Block); P(10, i.Position); G(41, i.ScaleX); G(42, i.ScaleY); G(50, i.Rotation);
                break;
            case DxfDimension d:
                G(0, "DIMENSION"); G(8, d.Layer);
                if (d.Block is not null) G(2, d.Block);
                P(10, d.DefinitionPoint); P(11, d.TextPoint); G(70, d.DimensionType);
                if (d.Measurement is { } m) G(42, m);
                G(1, d.Text);
                break;
            case DxfHatch h:
                G(0, "HATCH"); G(8, h.Layer); G(2, h.Pattern); G(70, h.Solid ? 1 : 0); G(71, 0); G(91, h.Loops.Count);
                foreach (var loop in h.Loops)
                {
                    G(92, 2); G(72, 0); G(73, 1); G(93, loop.Count);
                    foreach (var pt in loop) P(10, pt);
                    G(97, 0);
                }
                G(75, 0); G(76, 1); G(98, 0);
                break;
        }
    }
}
