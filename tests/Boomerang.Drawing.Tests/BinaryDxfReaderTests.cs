using Boomerang.Drawing.Decoding;
using Boomerang.Drawing.Dxf;
using Boomerang.Tests.Shared;

namespace Boomerang.Drawing.Tests;

public sealed class BinaryDxfReaderTests
{
    private static readonly DrawingLimits Limits = new();

    [Fact]
    public void A_drawing_saved_by_ezdxf_as_binary_dxf_reads_to_the_same_model_and_geometry_as_its_ascii_twin()
    {
        var dir = Directory.CreateTempSubdirectory("dxf-binary-");
        try
        {
            var ascii = Path.Combine(dir.FullName, "ref.dxf");
            var binary = Path.Combine(dir.FullName, "ref-bin.dxf");
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
                msp.add_spline([(0, 0), (10, 20), (30, 25), (50, 0)])
                msp.add_text("PART-42 Maß", dxfattribs={"height": 3}).set_placement((5, 50))
                msp.add_blockref("HOLE", (80, 10))
                dim = msp.add_linear_dim(base=(0, -10), p1=(0, 0), p2=(100, 0))
                dim.render()
                h = msp.add_hatch(color=2)
                h.paths.add_polyline_path([(0, 0), (10, 0), (10, 10), (0, 10)], is_closed=True)
                doc.saveas(r"{{ascii}}")
                doc.saveas(r"{{binary}}", fmt="bin")
                """);
            var binaryBytes = File.ReadAllBytes(binary);
            Assert.True(BinaryDxfReader.IsBinary(binaryBytes));

            var fromAscii = DxfReader.Read(File.ReadAllBytes(ascii), Limits);
            var fromBinary = new DrawingDecoder(Limits).ReadDxf(binaryBytes);

            Assert.Equal(fromAscii.Entities.Select(e => e.Type), fromBinary.Entities.Select(e => e.Type));
            Assert.Contains(fromBinary.Entities, e => e is DxfText { Value: "PART-42 Maß" });
            Assert.Contains(fromBinary.Entities, e => e is DxfLine { Layer: "CONTOUR", End.X: 100 });
            Assert.Equal(DxfGeometryExport.ToV2Json(fromAscii).ToJsonString(), DxfGeometryExport.ToV2Json(fromBinary).ToJsonString());
        }
        finally
        {
            dir.Delete(true);
        }
    }

    [Fact]
    public async Task A_binary_dxf_upload_decodes_to_a_raster_like_an_ascii_one()
    {
        var decoded = await new DrawingDecoder(Limits).DecodeAsync(R12Line(), "part.dxf", CancellationToken.None);

        Assert.Equal(DrawingFormat.BinaryDxf, decoded.Format);
        var line = Assert.IsType<DxfLine>(Assert.Single(decoded.Dxf!.Entities));
        Assert.Equal(new DxfPoint(1.5, 2), line.Start);
        Assert.Equal(new DxfPoint(300, -4.25), line.End);
        Assert.Equal("WALLS", line.Layer);
        Assert.True(decoded.Image.Width > 0);
    }

    [Fact]
    public void Every_truncation_of_a_binary_dxf_is_a_422_and_never_another_exception()
    {
        var whole = R12Line();
        for (var cut = 22; cut < whole.Length - 1; cut++)
        {
            try
            {
                new DrawingDecoder(Limits).ReadDxf(whole.AsSpan(0, cut));
            }
            catch (DrawingFileException e)
            {
                Assert.True(e.StatusCode is 413 or 422, $"cut at {cut}: {e.StatusCode} {e.Message}");
            }
        }
        var e2 = Assert.Throws<DrawingFileException>(() => BinaryDxfReader.ToAscii(whole.AsSpan(0, 40), Limits));
        Assert.Equal(422, e2.StatusCode);
    }

    /// <summary>A hand-built R12 binary DXF: 1-byte group codes, one LINE on layer WALLS.</summary>
    private static byte[] R12Line()
    {
        var b = new BinaryDxfBuilder();
        b.Str(0, "SECTION");
        b.Str(2, "ENTITIES");
        b.Str(0, "LINE");
        b.Str(8, "WALLS");
        b.Dbl(10, 1.5);
        b.Dbl(20, 2);
        b.Dbl(30, 0);
        b.Dbl(11, 300);
        b.Dbl(21, -4.25);
        b.Dbl(31, 0);
        b.Str(0, "ENDSEC");
        b.Str(0, "EOF");
        return b.ToArray();
    }
}
