using System.Diagnostics;
using System.Text;
using Boomerang.Drawing.Decoding;
using Boomerang.Drawing.Dxf;

namespace Boomerang.Drawing.Tests;

public sealed class DxfReaderTests
{
    private static readonly DrawingLimits Limits = new();

    private static DxfDocument RoundTrip(DxfDocument doc) => DxfReader.Read(Encoding.UTF8.GetBytes(DxfWriter.Write(doc)), Limits);

    private static DxfDocument Doc(IReadOnlyList<DxfEntity> entities, Dictionary<string, DxfBlock>? blocks = null) =>
        new(entities, blocks ?? [], new Dictionary<string, DxfLayer> { ["PART"] = new("PART", 3) }, new Dictionary<string, string> { ["$ACADVER"] = "AC1009" });

    [Fact]
    public void Every_supported_entity_type_reads_back_as_written()
    {
        List<DxfEntity> entities =
        [
            new DxfLine("PART", new(0, 0), new(10, 5)),
            new DxfCircle("PART", new(5, 5), 2.5),
            new DxfArc("PART", new(1, 2), 3, 30, 120),
            new DxfEllipse("PART", new(4, 4), new(3, 0), 0.5, 0, Math.PI),
            new DxfPolyline("PART", "LWPOLYLINE", [new(0, 0), new(4, 0), new(4, 4)], [0, 0.5, 0], true),
            new DxfPolyline("PART", "POLYLINE", [new(1, 1), new(2, 3), new(5, 1)], [0, 0, 0], false),
            new DxfPolyline("PART", "LEADER", [new(0, 0), new(2, 2), new(4, 2)], [], false),
            new DxfText("NOTES", "TEXT", new(1, 1), 2.5, 0, "SHAFT Ø20"),
            new DxfInsert("PART", "BOLT", new(7, 7), 2, 2, 90),
            new DxfDimension("DIM", null, 0, new(0, 0), new(5, 1), 10, "10.00"),
            new DxfHatch("PART", "ANSI31", false, [[new(0, 0), new(1, 0), new(1, 1), new(0, 1)]]),
        ];
        var blocks = new Dictionary<string, DxfBlock> { ["BOLT"] = new("BOLT", new(0, 0), [new DxfCircle("0", new(0, 0), 1)]) };
        var read = RoundTrip(Doc(entities, blocks));

        Assert.Equal(entities.Select(e => e.Type), read.Entities.Select(e => e.Type));
        Assert.Equal(new DxfLine("PART", new(0, 0), new(10, 5)), read.Entities[0]);
        Assert.Equal(2.5, ((DxfCircle)read.Entities[1]).Radius);
        Assert.Equal(120, ((DxfArc)read.Entities[2]).EndAngle);
        Assert.Equal(0.5, ((DxfEllipse)read.Entities[3]).Ratio);
        var lw = (DxfPolyline)read.Entities[4];
        Assert.True(lw.Closed);
        Assert.Equal([0, 0.5, 0], lw.Bulges);
        Assert.Equal(3, ((DxfPolyline)read.Entities[5]).Points.Count);
        Assert.Equal("SHAFT Ø20", ((DxfText)read.Entities[7]).Value);
        Assert.Equal("BOLT", ((DxfInsert)read.Entities[8]).Block);
        Assert.Equal(10, ((DxfDimension)read.Entities[9]).Measurement);
        Assert.Equal(4, ((DxfHatch)read.Entities[10]).Loops[0].Count);
        Assert.Single(read.Blocks["BOLT"].Entities);
        Assert.Equal(3, read.Layers["PART"].Color);
    }

    [Fact]
    public void Mtext_formatting_codes_are_removed()
    {
        var dxf = "0\nSECTION\n2\nENTITIES\n0\nMTEXT\n8\n0\n10\n0\n20\n0\n40\n2\n3\n{\\fArial|b1;MATERIAL:}\\P\n1\nSTEEL\\~S235\n0\nENDSEC\n0\nEOF\n";
        var doc = DxfReader.Read(Encoding.UTF8.GetBytes(dxf), Limits);
        Assert.Equal("MATERIAL:\nSTEEL S235", ((DxfText)doc.Entities.Single()).Value);
    }

    [Fact]
    public void A_spline_with_knots_is_evaluated_through_its_end_control_points()
    {
        var dxf = "0\nSECTION\n2\nENTITIES\n0\nSPLINE\n8\n0\n71\n3\n40\n0\n40\n0\n40\n0\n40\n0\n40\n1\n40\n1\n40\n1\n40\n1\n"
                  + "10\n0\n20\n0\n10\n1\n20\n2\n10\n3\n20\n2\n10\n4\n20\n0\n0\nENDSEC\n0\nEOF\n";
        var spline = (DxfPolyline)DxfReader.Read(Encoding.UTF8.GetBytes(dxf), Limits).Entities.Single();
        Assert.Equal("SPLINE", spline.Type);
        Assert.True(spline.Points.Count > 8);
        Assert.Equal(new DxfPoint(0, 0), spline.Points[0]);
        Assert.Equal(4, spline.Points[^1].X, 6);
        Assert.True(spline.Points.Max(p => p.Y) is > 1 and < 2, "the curve stays inside its control polygon");
    }

    [Fact]
    public void Hatch_edge_boundaries_are_flattened_to_points()
    {
        // One edge loop: two lines and a half-circle arc.
        var dxf = "0\nSECTION\n2\nENTITIES\n0\nHATCH\n8\n0\n2\nSOLID\n70\n1\n91\n1\n92\n1\n93\n3\n"
                  + "72\n1\n10\n0\n20\n0\n11\n2\n21\n0\n72\n2\n10\n1\n20\n0\n40\n1\n50\n0\n51\n180\n73\n1\n72\n1\n10\n0\n20\n0\n11\n0\n21\n0\n97\n0\n75\n0\n0\nENDSEC\n0\nEOF\n";
        var hatch = (DxfHatch)DxfReader.Read(Encoding.UTF8.GetBytes(dxf), Limits).Entities.Single();
        Assert.True(hatch.Solid);
        var loop = Assert.Single(hatch.Loops);
        Assert.True(loop.Count >= 17 + 4);
        Assert.Contains(loop, p => Math.Abs(p.Y - 1) < 1e-6);
    }

    [Fact]
    public void A_drawing_with_ten_million_entities_is_refused_quickly_at_the_entity_cap()
    {
        var sb = new StringBuilder("0\nSECTION\n2\nENTITIES\n");
        for (var i = 0; i < 1_000_100; i++) sb.Append("0\nPOINT\n");
        sb.Append("0\nENDSEC\n0\nEOF\n");
        var watch = Stopwatch.StartNew();
        var ex = Assert.Throws<DrawingFileException>(() => DxfReader.Read(Encoding.ASCII.GetBytes(sb.ToString()), Limits));
        Assert.Equal(413, ex.StatusCode);
        Assert.Contains("1,000,000", ex.Message);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30));
    }

    [Fact]
    public void A_truncated_or_garbled_dxf_is_422()
    {
        var full = DxfWriter.Write(Doc([new DxfLine("PART", new(0, 0), new(1, 1))]));
        var truncated = Assert.Throws<DrawingFileException>(() => DxfReader.Read(Encoding.ASCII.GetBytes(full[..(full.IndexOf("LINE", StringComparison.Ordinal) + 20)]), Limits));
        Assert.Equal(422, truncated.StatusCode);
        var garbled = Assert.Throws<DrawingFileException>(() => DxfReader.Read("0\nSECTION\n2\nENTITIES\nbanana\nLINE\n"u8.ToArray(), Limits));
        Assert.Equal(422, garbled.StatusCode);
        Assert.Contains("group code", garbled.Message);
    }

    [Fact]
    public void A_block_that_inserts_itself_stops_at_the_nesting_cap()
    {
        var blocks = new Dictionary<string, DxfBlock>
        {
            ["LOOP"] = new("LOOP", new(0, 0), [new DxfLine("0", new(0, 0), new(1, 1)), new DxfInsert("0", "LOOP", new(1, 0), 1, 1, 0)]),
        };
        var doc = RoundTrip(Doc([new DxfInsert("0", "LOOP", new(0, 0), 1, 1, 0)], blocks));
        var ex = Assert.Throws<DrawingFileException>(() => DxfRenderer.Render(doc, Limits, 128));
        Assert.Equal(422, ex.StatusCode);
        Assert.Contains("nest deeper than 8", ex.Message);
    }

    [Fact]
    public void A_block_bomb_is_refused_at_the_primitive_cap()
    {
        var blocks = new Dictionary<string, DxfBlock>();
        blocks["B0"] = new("B0", new(0, 0), [new DxfLine("0", new(0, 0), new(1, 1))]);
        for (var level = 1; level <= 7; level++)
            blocks[$"B{level}"] = new($"B{level}", new(0, 0), [.. Enumerable.Range(0, 10).Select(i => (DxfEntity)new DxfInsert("0", $"B{level - 1}", new(i, level), 1, 1, 0))]);
        var doc = RoundTrip(Doc([new DxfInsert("0", "B7", new(0, 0), 1, 1, 0)], blocks));
        var ex = Assert.Throws<DrawingFileException>(() => DxfRenderer.Render(doc, Limits, 128));
        Assert.Equal(413, ex.StatusCode);
    }

    [Fact]
    public void Rendering_puts_ink_where_the_geometry_is_and_inserts_are_placed_with_their_transform()
    {
        var blocks = new Dictionary<string, DxfBlock> { ["SQ"] = new("SQ", new(0, 0), [new DxfPolyline("0", "LWPOLYLINE", [new(0, 0), new(1, 0), new(1, 1), new(0, 1)], [0, 0, 0, 0], true)]) };
        // A diagonal from (0,0) to (100,100) plus a square block inserted at (90,0) scaled ×10.
        var doc = RoundTrip(Doc([new DxfLine("0", new(0, 0), new(100, 100)), new DxfInsert("0", "SQ", new(90, 0), 10, 10, 0)], blocks));
        var image = DxfRenderer.Render(doc, Limits, 200);
        // The darkest pixel around a point (antialiased 1 px lines spread over two pixels).
        byte At(double fx, double fy)
        {
            var (cx, cy) = ((int)(fx * 199), (int)(fy * 199));
            byte min = 255;
            for (var y = cy - 1; y <= cy + 1; y++)
                for (var x = cx - 1; x <= cx + 1; x++) min = Math.Min(min, image.Pixels[y * 200 + x]);
            return min;
        }
        Assert.True(At(0.5, 0.5) < 128, "the diagonal crosses the centre");
        Assert.True(At(0.5, 0.25) > 200, "off the diagonal is paper");
        Assert.True(Enumerable.Range(0, 200).Any(x => image.Pixels[(int)(0.98 * 199) * 200 + x] < 128 && x > 170), "the inserted square's bottom edge is drawn near the bottom right");
    }

    [Fact]
    public void Geometry_export_has_every_v2_section_with_the_drawing_content()
    {
        var blocks = new Dictionary<string, DxfBlock> { ["BOLT"] = new("BOLT", new(0, 0), [new DxfCircle("0", new(0, 0), 1)]) };
        var doc = RoundTrip(Doc(
        [
            new DxfLine("PART", new(0, 0), new(10, 0)),
            new DxfInsert("PART", "BOLT", new(3, 3), 1, 1, 0),
            new DxfDimension("DIM", null, 0, new(0, 0), new(5, 1), 10, "10.00"),
            new DxfHatch("PART", "ANSI31", false, [[new(0, 0), new(1, 0), new(1, 1)]]),
            new DxfText("NOTES", "TEXT", new(0, -5), 2, 0, "DRAWING NO 4711"),
        ], blocks));
        var json = DxfGeometryExport.ToV2Json(doc);
        Assert.Equal(5, json["entities"]!.AsArray().Count);
        Assert.Equal("LINE", (string?)json["entities"]![0]!["type"]);
        Assert.Equal(3, (int?)json["layers"]!["PART"]!["entity_count"]);
        Assert.Equal((string?)json["blocks"]!["BOLT"]!["block_hash"], (string?)json["entities"]![1]!["block_hash"]);
        Assert.Equal(10.0, (double?)json["dimensions"]![0]!["measurement"]);
        Assert.Equal("ANSI31", (string?)json["hatches"]![0]!["pattern"]);
        Assert.Equal("DRAWING NO 4711", (string?)json["text_content"]![0]);
        Assert.Equal("AC1009", (string?)json["meta"]!["dxf_version"]);
    }

    [Fact]
    public void A_dxf_written_by_ezdxf_reads_with_all_its_entities()
    {
        var dir = Directory.CreateTempSubdirectory("dxf-ezdxf-");
        try
        {
            var path = Path.Combine(dir.FullName, "ref.dxf");
            Ezdxf.Run($$"""
                import ezdxf
                doc = ezdxf.new("R2010", setup=True)
                doc.layers.add("CONTOUR", color=1)
                blk = doc.blocks.new(name="HOLE")
                blk.add_circle((0, 0), 2)
                msp = doc.modelspace()
                msp.add_line((0, 0), (100, 0), dxfattribs={"layer": "CONTOUR"})
                msp.add_circle((50, 30), 10)
                msp.add_arc((20, 20), 5, 0, 90)
                msp.add_ellipse((70, 30), major_axis=(10, 0), ratio=0.5)
                msp.add_lwpolyline([(0, 0), (0, 60), (100, 60)], dxfattribs={"layer": "CONTOUR"})
                msp.add_polyline2d([(10, 10), (20, 15), (30, 10)])
                msp.add_spline([(0, 0), (10, 20), (30, 25), (50, 0)])
                msp.add_text("PART-42", dxfattribs={"height": 3}).set_placement((5, 50))
                msp.add_mtext("LINE ONE\\PLINE TWO").set_location((5, 40))
                msp.add_blockref("HOLE", (80, 10))
                msp.add_leader([(60, 50), (70, 55), (80, 55)])
                dim = msp.add_linear_dim(base=(0, -10), p1=(0, 0), p2=(100, 0))
                dim.render()
                h = msp.add_hatch(color=2)
                h.paths.add_polyline_path([(0, 0), (10, 0), (10, 10), (0, 10)], is_closed=True)
                doc.saveas(r"{{path}}")
                """);
            var doc = DxfReader.Read(File.ReadAllBytes(path), Limits);
            var types = doc.Entities.Select(e => e.Type).ToHashSet();
            foreach (var t in new[] { "LINE", "CIRCLE", "ARC", "ELLIPSE", "LWPOLYLINE", "POLYLINE", "SPLINE", "TEXT", "MTEXT", "INSERT", "LEADER", "DIMENSION", "HATCH" })
                Assert.Contains(t, types);
            Assert.Equal("LINE ONE\nLINE TWO", doc.Entities.OfType<DxfText>().Single(t => t.Type == "MTEXT").Value);
            Assert.Equal("CONTOUR", doc.Entities.OfType<DxfLine>().First().Layer);
            Assert.True(doc.Layers.ContainsKey("CONTOUR"));
            var dim = doc.Entities.OfType<DxfDimension>().Single();
            Assert.NotNull(dim.Block);
            Assert.True(doc.Blocks.ContainsKey(dim.Block!), "the dimension's rendered block is read");
            var image = DxfRenderer.Render(doc, Limits, 256);
            Assert.True(image.Pixels.Count(p => p < 128) > 500, "the reference drawing renders with ink");
        }
        finally { dir.Delete(true); }
    }
}
