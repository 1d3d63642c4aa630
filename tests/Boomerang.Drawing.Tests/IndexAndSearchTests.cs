using System.Text.Json.Nodes;
using Boomerang.Drawing.Features;
using Boomerang.Drawing.Indexing;
using Boomerang.Drawing.Search;

namespace Boomerang.Drawing.Tests;

public sealed class IndexAndSearchTests
{
    private static DrawingFeatures Random64(Random rng)
    {
        var d = new byte[DrawingFeatures.DescriptorLength];
        rng.NextBytes(d);
        return new DrawingFeatures((ulong)rng.NextInt64(), (ulong)rng.NextInt64(), d);
    }

    private static ulong Flip(ulong code, Random rng, int bits)
    {
        for (var i = 0; i < bits; i++) code ^= 1UL << rng.Next(64);
        return code;
    }

    [Fact]
    public void Multi_index_recall_returns_exactly_what_a_brute_force_scan_returns()
    {
        var rng = new Random(42);
        var index = new TenantIndex();
        var centres = Enumerable.Range(0, 50).Select(_ => Random64(rng)).ToList();
        for (var i = 0; i < 5000; i++)
        {
            var c = centres[i % centres.Count];
            // Clusters around a few codes so radius queries have real answers, plus noise.
            var f = c with { PHash = Flip(c.PHash, rng, rng.Next(0, 30)), DHash = Flip(c.DHash, rng, rng.Next(0, 30)) };
            index.Upsert(new IndexedDrawing(i, $"h{i}", $"f{i}", f));
        }
        for (var q = 0; q < 100; q++)
        {
            var query = centres[q % centres.Count] with { PHash = Flip(centres[q % centres.Count].PHash, rng, 3) };
            foreach (var radius in new[] { 0, 5, 12, 19 })
            {
                var fast = index.Recall(query, radius).Select(r => r.Drawing.FileHash).Order().ToList();
                var scan = index.RecallByScan(query, radius).Select(r => r.Drawing.FileHash).Order().ToList();
                Assert.Equal(scan, fast);
            }
        }
    }

    [Fact]
    public void Removed_drawings_are_not_recalled_and_replacing_a_hash_keeps_one_entry()
    {
        var rng = new Random(1);
        var index = new TenantIndex();
        var f = Random64(rng);
        index.Upsert(new IndexedDrawing(1, "a", "a.png", f));
        index.Upsert(new IndexedDrawing(2, "a", "a2.png", f));
        Assert.Equal(1, index.Count);
        Assert.Equal("a2.png", Assert.Single(index.Recall(f, 0)).Drawing.FileName);
        Assert.True(index.Remove("a"));
        Assert.False(index.Remove("a"));
        Assert.Empty(index.Recall(f, 0));
        // Enough churn to trigger compaction; survivors stay findable.
        for (var i = 0; i < 3000; i++) index.Upsert(new IndexedDrawing(i, $"x{i}", "x", Random64(rng)));
        for (var i = 0; i < 2500; i++) index.Remove($"x{i}");
        var survivor = index.Find("x2999")!;
        Assert.Contains(index.Recall(survivor.Features, 0), r => r.Drawing.FileHash == "x2999");
        Assert.Equal(500, index.Count);
    }

    private static (DrawingSearchEngine Engine, Dictionary<string, Boomerang.Drawing.Decoding.GrayImage> Images) Indexed(string tenant, params int[] seeds)
    {
        var engine = new DrawingSearchEngine();
        var images = new Dictionary<string, Boomerang.Drawing.Decoding.GrayImage>();
        foreach (var s in seeds)
        {
            var img = TestDrawings.Render(TestDrawings.Sheet(s));
            images[$"hash{s}"] = img;
            engine.Tenant(tenant).Upsert(new IndexedDrawing(s, $"hash{s}", $"sheet{s}.png", FeatureExtractor.Extract(img)));
        }
        return (engine, images);
    }

    private static JsonObject Search(DrawingSearchEngine engine, string tenant, Boomerang.Drawing.Decoding.GrayImage query, string mode = "balanced",
        bool diff = false, bool excludeSelf = false, string hash = "query", Dictionary<string, Boomerang.Drawing.Decoding.GrayImage>? images = null) =>
        engine.Search(tenant, new SearchRequest(FeatureExtractor.Extract(query), query, hash, mode, 50, diff, excludeSelf),
            images is null ? null : d => images.GetValueOrDefault(d.FileHash));

    [Fact]
    public void A_rescanned_duplicate_is_found_as_duplicate_with_every_level_reported()
    {
        var (engine, _) = Indexed("t", 1, 2, 3, 4, 5);
        var result = Search(engine, "t", TestDrawings.Render(TestDrawings.Sheet(3), 900, 636, 1.2f));
        Assert.True((bool)result["success"]!);
        var top = result["duplicates"]!.AsArray()[0]!;
        Assert.Equal("hash3", (string?)top["file_hash"]);
        Assert.Equal("sheet3.png", (string?)top["file_name"]);
        Assert.Equal("3", (string?)top["drawing_id"]);
        Assert.Equal("duplicate", (string?)top["verdict"]);
        Assert.Equal(2, (int)top["match_level"]!);
        Assert.True((double)top["similarity"]! >= 0.95);
        Assert.NotNull(top["levels"]!["l1"]!["phash"]);
        Assert.NotNull(top["levels"]!["l1"]!["dhash"]);
        Assert.NotNull(top["levels"]!["l2"]!["descriptor"]);
        Assert.Equal(2, (int)result["final_level"]!);
        Assert.DoesNotContain(result["duplicates"]!.AsArray(), m => (string?)m!["file_hash"] != "hash3");
        foreach (var key in new[] { "total_ms", "l1_ms", "l2_ms", "l3_ms", "l4_ms" }) Assert.NotNull(result["timing"]![key]);
        Assert.NotNull(result["level_stats"]!["l1"]!["passed"]);
        Assert.NotNull(result["level_stats"]!["l2"]!["time_ms"]);
        Assert.Equal(result["duplicates"]!.AsArray().Count + result["similar"]!.AsArray().Count, (int)result["total_matches"]!);
    }

    [Fact]
    public void Fast_mode_stops_at_l1()
    {
        var (engine, _) = Indexed("t", 1, 2);
        var result = Search(engine, "t", TestDrawings.Render(TestDrawings.Sheet(2)), mode: "fast");
        Assert.Equal(1, (int)result["final_level"]!);
        Assert.Null(result["level_stats"]!["l2"]);
        var top = result["duplicates"]!.AsArray()[0]!;
        Assert.Equal("hash2", (string?)top["file_hash"]);
        Assert.Equal(1, (int)top["match_level"]!);
        Assert.Null(top["levels"]!["l2"]);
    }

    [Fact]
    public void An_unrelated_drawing_finds_nothing_and_tenants_do_not_see_each_other()
    {
        var (engine, _) = Indexed("a", 1, 2, 3);
        var unrelated = Search(engine, "a", TestDrawings.Render(TestDrawings.Sheet(99)));
        Assert.Empty(unrelated["duplicates"]!.AsArray());
        var otherTenant = Search(engine, "b", TestDrawings.Render(TestDrawings.Sheet(1)));
        Assert.Equal(0, (int)otherTenant["total_matches"]!);
    }

    [Fact]
    public void Exclude_self_drops_the_query_file_from_its_own_results()
    {
        var (engine, _) = Indexed("t", 1, 2);
        var image = TestDrawings.Render(TestDrawings.Sheet(1));
        Assert.Contains(Search(engine, "t", image, hash: "hash1")["duplicates"]!.AsArray(), m => (string?)m!["file_hash"] == "hash1");
        Assert.DoesNotContain(Search(engine, "t", image, hash: "hash1", excludeSelf: true)["duplicates"]!.AsArray(), m => (string?)m!["file_hash"] == "hash1");
    }

    [Fact]
    public void Precise_mode_scans_l2_and_recalls_a_revision_l1_might_miss()
    {
        var (engine, _) = Indexed("t", 1, 2, 3);
        var revision = TestDrawings.Render(TestDrawings.Sheet(2, extraHoles: 1));
        var result = Search(engine, "t", revision, mode: "precise");
        var all = result["duplicates"]!.AsArray().Concat(result["similar"]!.AsArray()).ToList();
        Assert.Contains(all, m => (string?)m!["file_hash"] == "hash2");
        Assert.True((int)result["level_stats"]!["l2"]!["passed"]! + (int)result["level_stats"]!["l2"]!["filtered"]! >= 3, "precise mode scored every drawing at L2");
    }

    [Fact]
    public void A_diff_marks_the_added_hole_in_the_query_colour_and_boxes_it()
    {
        var (engine, images) = Indexed("t", 7);
        var revision = TestDrawings.Render(TestDrawings.Sheet(7, extraHoles: 2));
        var result = Search(engine, "t", revision, mode: "precise", diff: true, images: images);
        var match = result["duplicates"]!.AsArray().Concat(result["similar"]!.AsArray()).Single()!;
        var png = Convert.FromBase64String((string)match["diff_image_base64"]!);
        using var bmp = SkiaSharp.SKBitmap.Decode(png);
        Assert.Equal(DrawingDiff.Size, bmp.Width);
        var red = 0;
        for (var y = 0; y < bmp.Height; y++) for (var x = 0; x < bmp.Width; x++) { var c = bmp.GetPixel(x, y); if (c.Red > 200 && c.Green < 60) red++; }
        Assert.True(red > 20, "ink only the query has is drawn in red");
        var regions = match["diff_regions"]!.AsArray();
        Assert.NotEmpty(regions);
        Assert.True((int)regions[0]!["query_only_pixels"]! > 0);
    }

    [Fact]
    public void The_diff_of_a_drawing_with_itself_has_no_regions()
    {
        var image = TestDrawings.Render(TestDrawings.Sheet(8));
        var (_, regions) = DrawingDiff.Compute(image, TestDrawings.Render(TestDrawings.Sheet(8), 1200, 848, 1.6f));
        Assert.Empty(regions);
    }
}
