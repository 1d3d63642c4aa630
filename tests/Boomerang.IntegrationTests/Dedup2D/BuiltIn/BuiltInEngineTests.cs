using System.Security.Cryptography;
using System.Text;
using Boomerang.IntegrationTests.Callbacks;
using Boomerang.IntegrationTests.Infrastructure;
using SkiaSharp;
using static Boomerang.IntegrationTests.Dedup2D.Dedup2DHarness;

namespace Boomerang.IntegrationTests.Dedup2D.BuiltIn;

/// <summary>The built-in engine over real HTTP: no DEDUPCAD_VISION_URL, real SQLite file, real drawings.</summary>
public sealed class BuiltInEngineTests
{
    private static Task<TestServer> StartBuiltInAsync(TempFolder folder) =>
        TestServer.StartAsync(CallbackSettings.Loopback(
            ("Boomerang:Dedup2D:UploadDir", UploadDir(folder.Path)),
            ("Boomerang:Dedup2D:BuiltIn:DataDir", Path.Combine(folder.Path, "drawings")),
            ("Boomerang:Dedup2D:ForcedAsyncOnPrecision", "false"),
            ("Boomerang:Dedup2D:ForcedAsyncOnModePrecise", "false")), folder: new TempFolderView(folder));

    /// <summary>A sheet: frame, title block and a seeded part with holes, drawn at any resolution.</summary>
    internal static byte[] Sheet(int seed, int width = 1600, int height = 1130, float stroke = 2)
    {
        var rng = new Random(seed);
        using var bmp = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(bmp))
        {
            canvas.Clear(SKColors.White);
            canvas.Scale(width / 420f, height / 297f);
            using var pen = new SKPaint { Color = SKColors.Black, Style = SKPaintStyle.Stroke, StrokeWidth = stroke * 420f / width, IsAntialias = true };
            canvas.DrawRect(new SKRect(5, 5, 415, 292), pen);
            canvas.DrawRect(new SKRect(230, 250, 410, 287), pen);
            var w = 120 + (float)rng.NextDouble() * 150;
            var h = 80 + (float)rng.NextDouble() * 100;
            canvas.DrawRect(new SKRect(30, 40, 30 + w, 40 + h), pen);
            for (var i = 0; i < 8; i++)
                canvas.DrawCircle(40 + (float)rng.NextDouble() * (w - 20), 50 + (float)rng.NextDouble() * (h - 20), 4 + (float)rng.NextDouble() * 12, pen);
        }
        using var image = SKImage.FromBitmap(bmp);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    private static string Sha(byte[] b) => Convert.ToHexStringLower(SHA256.HashData(b));

    [Fact]
    public async Task Without_a_vision_url_index_add_and_search_find_a_rescan_as_duplicate_and_the_index_survives_a_restart()
    {
        using var folder = new TempFolder();
        var originals = Enumerable.Range(1, 3).Select(s => Sheet(s)).ToList();
        var rescan = Sheet(2, 1000, 706, 1.3f);
        await using (var server = await StartBuiltInAsync(folder))
        {
            var (hs, health, _) = await server.Client.SendAsync(HttpMethod.Get, "/health");
            Assert.Equal(200, hs);
            Assert.Equal("boomerang-builtin", (string?)health!["service"]);

            for (var i = 0; i < originals.Count; i++)
            {
                var (status, body, _) = await server.Client.SendAsync(HttpMethod.Post, "/index/add", Upload(originals[i], $"sheet{i + 1}.png"));
                Assert.True(status == 200, body?.ToJsonString());
                Assert.Equal(Sha(originals[i]), (string?)body!["file_hash"]);
                Assert.True((bool)body["success"]!);
            }
            var (_, first, _) = await server.Client.SendAsync(HttpMethod.Post, "/index/add", Upload(originals[0], "sheet1.png"));
            var (_, again, _) = await server.Client.SendAsync(HttpMethod.Post, "/index/add", Upload(originals[0], "sheet1.png"));
            Assert.Equal((long)first!["drawing_id"]!, (long)again!["drawing_id"]!);
            Assert.Contains("already indexed", (string?)again["message"]);

            var (_, sized, _) = await server.Client.SendAsync(HttpMethod.Get, "/health");
            Assert.Equal(3, (int)sized!["indexes"]!["l1"]!);

            var (ss, result, _) = await server.Client.SearchAsync("?compute_diff=true", Upload(rescan, "rescan.png"));
            Assert.True(ss == 200, result?.ToJsonString());
            var top = result!["duplicates"]!.AsArray()[0]!;
            Assert.Equal(Sha(originals[1]), (string?)top["file_hash"]);
            Assert.Equal("sheet2.png", (string?)top["file_name"]);
            Assert.Equal("duplicate", (string?)top["verdict"]);
            Assert.NotNull(top["levels"]!["l2"]);
            Assert.False(string.IsNullOrEmpty((string?)top["diff_image_base64"]));
            Assert.Equal(2, (int)result["final_level"]!);

            var (_, otherTenant, _) = await server.CreateClient(TestServer.KeyB).SearchAsync("", Upload(rescan, "rescan.png"));
            Assert.Equal(0, (int)otherTenant!["total_matches"]!);
        }

        await using (var restarted = await StartBuiltInAsync(folder))
        {
            var (_, result, _) = await restarted.Client.SearchAsync("", Upload(rescan, "rescan.png"));
            Assert.Equal(Sha(originals[1]), (string?)result!["duplicates"]!.AsArray()[0]!["file_hash"]);
        }
    }

    [Fact]
    public async Task Hostile_and_unsupported_files_get_a_clear_4xx()
    {
        using var folder = new TempFolder();
        await using var server = await StartBuiltInAsync(folder);
        var png = Sheet(5);

        var (truncated, body, _) = await server.Client.SearchAsync("", Upload(png[..(png.Length / 3)], "cut.png"));
        Assert.Equal(422, truncated);

        var (dwg, dwgBody, _) = await server.Client.SearchAsync("", Upload("AC1032\0\0\0\0\0\0\0\0"u8.ToArray(), "part.dwg", contentType: "application/octet-stream"));
        Assert.Equal(415, dwg);
        Assert.Contains("DWG", dwgBody!.ToJsonString());

        var many = new StringBuilder("0\nSECTION\n2\nENTITIES\n");
        for (var i = 0; i < 1_000_100; i++) many.Append("0\nPOINT\n");
        many.Append("0\nENDSEC\n0\nEOF\n");
        // index/add is always synchronous (a search this size would be forced async).
        var (bomb, bombBody, _) = await server.Client.SendAsync(HttpMethod.Post, "/index/add", Upload(Encoding.ASCII.GetBytes(many.ToString()), "bomb.dxf", contentType: "application/dxf"));
        Assert.Equal(413, bomb);
        Assert.Contains("1,000,000", bombBody!.ToJsonString());
    }

    [Fact]
    public async Task A_dxf_is_indexed_and_found_with_its_geometry_taken_from_the_file()
    {
        using var folder = new TempFolder();
        await using var server = await StartBuiltInAsync(folder);
        var dxf = Encoding.ASCII.GetBytes(string.Join('\n',
            "0", "SECTION", "2", "ENTITIES",
            "0", "LWPOLYLINE", "8", "PART", "90", "4", "70", "1", "10", "0", "20", "0", "10", "200", "20", "0", "10", "200", "20", "100", "10", "0", "20", "100",
            "0", "CIRCLE", "8", "PART", "10", "50", "20", "50", "40", "20",
            "0", "CIRCLE", "8", "PART", "10", "150", "20", "50", "40", "10",
            "0", "LINE", "8", "CENTER", "10", "20", "20", "50", "11", "180", "21", "50",
            "0", "TEXT", "8", "NOTES", "10", "5", "20", "90", "40", "5", "1", "PLATE 4711",
            "0", "ENDSEC", "0", "EOF", ""));
        var (added, addBody, _) = await server.Client.SendAsync(HttpMethod.Post, "/index/add", Upload(dxf, "plate.dxf", contentType: "application/dxf"));
        Assert.True(added == 200, addBody?.ToJsonString());

        var (status, result, _) = await server.Client.SearchAsync("", Upload(dxf, "plate.dxf", contentType: "application/dxf"));
        Assert.True(status == 200, result?.ToJsonString());
        var top = result!["duplicates"]!.AsArray()[0]!;
        Assert.Equal(Sha(dxf), (string?)top["file_hash"]);
        // Both sides have geometry from the DXF itself, so the L4 precision overlay ran.
        Assert.NotNull(top["levels"]!["l4"]);
    }
}
