using System.Security.Cryptography;
using Boomerang.Drawing.Decoding;
using Boomerang.Drawing.Features;
using Boomerang.Drawing.Indexing;
using Boomerang.Drawing.Search;
using SkiaSharp;

namespace Boomerang.Drawing.Tests;

public sealed class TemplateAndCompactIndexTests
{
    private static string Hex(int i) => Convert.ToHexStringLower(SHA256.HashData(BitConverter.GetBytes(i)));

    private static DrawingSearchEngine IndexSheets(string tenant, IEnumerable<int> seeds)
    {
        var engine = new DrawingSearchEngine();
        foreach (var s in seeds)
            engine.Tenant(tenant).Upsert(new IndexedDrawing(s, Hex(s), $"sheet{s}.png", FeatureExtractor.Extract(TestDrawings.Render(TestDrawings.Sheet(s)))));
        return engine;
    }

    [Fact]
    public void An_unrelated_part_drawn_in_the_same_frame_is_not_matched_while_a_rescan_of_an_indexed_sheet_is()
    {
        var engine = IndexSheets("t", Enumerable.Range(1, 24));
        var unrelated = FeatureExtractor.Extract(TestDrawings.Render(TestDrawings.Sheet(1234)));
        var result = engine.Search("t", new SearchRequest(unrelated, null, "q"));
        Assert.Equal(0, (int)result["total_matches"]!);

        var rescan = FeatureExtractor.Extract(TestDrawings.Render(TestDrawings.Sheet(7), 1000, 707, 1.5f, 0.98, 0.01));
        var found = engine.Search("t", new SearchRequest(rescan, null, "q"));
        Assert.Equal(Hex(7), (string?)Assert.Single(found["duplicates"]!.AsArray())!["file_hash"]);
    }

    [Fact]
    public void The_template_is_the_ink_most_sheets_share_and_needs_enough_sheets()
    {
        var index = new TenantIndex();
        var template = new ulong[DrawingFeatures.InkMapSide];
        for (var s = 1; s < TenantIndex.TemplateMinDrawings; s++)
            index.Upsert(new IndexedDrawing(s, Hex(s), "x", FeatureExtractor.Extract(TestDrawings.Render(TestDrawings.Sheet(s)))));
        using (index.Read()) index.Template(template);
        Assert.All(template, row => Assert.Equal(0UL, row));

        for (var s = TenantIndex.TemplateMinDrawings; s < 20; s++)
            index.Upsert(new IndexedDrawing(s, Hex(s), "x", FeatureExtractor.Extract(TestDrawings.Render(TestDrawings.Sheet(s)))));
        using (index.Read()) index.Template(template);
        // The outer frame's top and bottom edges are template (rows with most of their cells set); the part area in the
        // middle of the sheet is not.
        Assert.True(template.Count(r => System.Numerics.BitOperations.PopCount(r) > 40) >= 2, "the frame's edges are template");
        var middle = 0;
        for (var y = 24; y < 40; y++) middle += System.Numerics.BitOperations.PopCount(template[y] & 0x0000FFFFFFFF0000UL);
        Assert.True(middle < 40, $"the part area is content ({middle} template cells)");
    }

    [Fact]
    public void The_compact_index_gives_back_what_was_added_for_hex_and_other_file_hashes()
    {
        var index = new TenantIndex();
        var f = FeatureExtractor.Extract(TestDrawings.Render(TestDrawings.Sheet(3)));
        index.Upsert(new IndexedDrawing(42, Hex(3), "a.png", f));
        index.Upsert(new IndexedDrawing(43, "not-a-sha", "b.png", f with { PHash = ~f.PHash }));
        var a = index.Find(Hex(3))!;
        Assert.Equal((42L, Hex(3), "a.png", f.PHash, f.DHash), (a.DrawingId, a.FileHash, a.FileName, a.Features.PHash, a.Features.DHash));
        Assert.Equal(f.Descriptor, a.Features.Descriptor);
        var b = index.Find("not-a-sha")!;
        Assert.Equal(("not-a-sha", ~f.PHash), (b.FileHash, b.Features.PHash));
        Assert.Null(index.Find(Hex(4)));
        Assert.Equal(2, index.Snapshot().Count);
    }

    [Fact]
    public void Version_1_feature_rows_still_load_with_their_grids_quantised()
    {
        var f = FeatureExtractor.Extract(TestDrawings.Render(TestDrawings.Sheet(5)));
        // A version-1 row: hashes, 256 density and 128 edge bytes at 8 bits, the ink map.
        var v1 = new byte[16 + 256 + 128 + 512];
        BitConverter.TryWriteBytes(v1.AsSpan(0, 8), f.PHash);
        BitConverter.TryWriteBytes(v1.AsSpan(8, 8), f.DHash);
        for (var i = 0; i < 384; i++)
        {
            var packed = f.Descriptor[i / 2];
            v1[16 + i] = (byte)(((i % 2 == 0 ? packed & 15 : packed >> 4) * 255 + 7) / 15);
        }
        f.Descriptor.AsSpan(DrawingFeatures.InkMapOffset).CopyTo(v1.AsSpan(16 + 384));
        var back = DrawingFeatures.FromBytes(v1)!;
        Assert.Equal(f, back with { Descriptor = f.Descriptor });
        Assert.Equal(f.Descriptor, back.Descriptor);
        Assert.Equal(f.Descriptor, DrawingFeatures.FromBytes(f.ToBytes())!.Descriptor);
        Assert.Null(DrawingFeatures.FromBytes(new byte[100]));
    }

    [Fact]
    public async Task A_large_upload_is_decoded_to_the_working_size_with_transparent_areas_as_paper()
    {
        using var bmp = new SKBitmap(new SKImageInfo(2000, 1400, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        using (var canvas = new SKCanvas(bmp))
        {
            canvas.Clear(SKColors.Transparent);
            using var ink = new SKPaint { Color = SKColors.Black, Style = SKPaintStyle.Fill };
            canvas.DrawRect(100, 100, 800, 1200, ink);
        }
        using var png = SKImage.FromBitmap(bmp).Encode(SKEncodedImageFormat.Png, 100);
        var decoded = await new DrawingDecoder(new DrawingLimits()).DecodeAsync(png.ToArray(), "big.png", CancellationToken.None);
        var img = decoded.Image;
        // Shrunk by a whole factor (2) to at most the working long side.
        Assert.Equal((1000, 700), (img.Width, img.Height));
        Assert.True(img.Pixels[(img.Height / 2) * img.Width + img.Width / 4] < 40, "the drawn rectangle is ink");
        Assert.True(img.Pixels[(img.Height / 2) * img.Width + img.Width * 3 / 4] > 240, "transparent is paper, not black");
    }
}
