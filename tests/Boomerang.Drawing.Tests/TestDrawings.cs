using Boomerang.Drawing.Decoding;
using Boomerang.Drawing.Dxf;

namespace Boomerang.Drawing.Tests;

/// <summary>Small mechanical-looking drawings for the feature and search tests.</summary>
internal static class TestDrawings
{
    private static readonly DrawingLimits Limits = new();

    public static DxfDocument Sheet(int seed, int extraHoles = 0)
    {
        var rng = new Random(seed);
        var e = new List<DxfEntity>
        {
            new DxfPolyline("FRAME", "LWPOLYLINE", [new(0, 0), new(420, 0), new(420, 297), new(0, 297)], [0, 0, 0, 0], true),
            new DxfPolyline("FRAME", "LWPOLYLINE", [new(230, 10), new(410, 10), new(410, 50), new(230, 50)], [0, 0, 0, 0], true),
        };
        var w = 120 + rng.NextDouble() * 200;
        var h = 80 + rng.NextDouble() * 120;
        e.Add(new DxfPolyline("PART", "LWPOLYLINE", [new(30, 70), new(30 + w, 70), new(30 + w, 70 + h), new(30, 70 + h)], [0, 0, 0, 0], true));
        for (var i = 0; i < 6 + extraHoles; i++)
            e.Add(new DxfCircle("PART", new(40 + rng.NextDouble() * (w - 20), 80 + rng.NextDouble() * (h - 20)), 4 + rng.NextDouble() * 12));
        for (var i = 0; i < 4; i++)
            e.Add(new DxfLine("PART", new(30 + rng.NextDouble() * w, 70), new(30 + rng.NextDouble() * w, 70 + h)));
        return new DxfDocument(e, new Dictionary<string, DxfBlock>(), new Dictionary<string, DxfLayer>(), new Dictionary<string, string>());
    }

    public static GrayImage Render(DxfDocument doc, int width = 1400, int height = 990, float stroke = 2f, double scale = 1, double shift = 0) =>
        DxfRenderer.RenderPage(doc, Limits, width, height, stroke, scale, shift, shift);
}
