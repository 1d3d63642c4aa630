using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Boomerang.IntegrationTests.Callbacks;
using Boomerang.IntegrationTests.Dedup2D.BuiltIn;
using Boomerang.IntegrationTests.Infrastructure;
using static Boomerang.IntegrationTests.Dedup2D.Dedup2DHarness;
using Boomerang.Tests.Shared;

namespace Boomerang.IntegrationTests.Dedup2D.Index;

/// <summary>The built-in engine over real HTTP for the index operations: server start-up on any store, small real drawings.</summary>
internal static class IndexHarness
{
    public static Task<TestServer> StartAsync(TempFolder folder, params (string Key, string Value)[] extra)
    {
        var settings = CallbackSettings.Loopback(
            ("Boomerang:Dedup2D:UploadDir", UploadDir(folder.Path)),
            ("Boomerang:Dedup2D:BuiltIn:DataDir", DataDir(folder)),
            ("Boomerang:Dedup2D:BuiltIn:ChangePollSeconds", "0.2"),
            ("Boomerang:Dedup2D:ForcedAsyncOnPrecision", "false"),
            ("Boomerang:Dedup2D:ForcedAsyncOnModePrecise", "false"));
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }
        return TestServer.StartAsync(settings, folder: new TempFolderView(folder));
    }

    public static string DataDir(TempFolder folder) => Path.Combine(folder.Path, "drawings");

    public static byte[] Sheet(int seed) => BuiltInEngineTests.Sheet(seed, 800, 565);

    public static string Sha(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>A small plate as ASCII DXF, different per seed: its geometry is taken from the file at index/add.</summary>
    public static byte[] Plate(int seed) => Encoding.ASCII.GetBytes(string.Join('\n',
        "0", "SECTION", "2", "ENTITIES",
        "0", "LWPOLYLINE", "8", "PART", "90", "4", "70", "1", "10", "0", "20", "0", "10", $"{200 + seed * 10}", "20", "0",
        "10", $"{200 + seed * 10}", "20", "100", "10", "0", "20", "100",
        "0", "CIRCLE", "8", "PART", "10", "50", "20", "50", "40", $"{10 + seed}",
        "0", "TEXT", "8", "NOTES", "10", "5", "20", "90", "40", "5", "1", $"PLATE {seed}",
        "0", "ENDSEC", "0", "EOF", ""));

    /// <summary>A plate as R12 binary DXF (1-byte group codes): four LINEs, a CIRCLE and a TEXT.</summary>
    public static byte[] BinaryPlate()
    {
        var b = new BinaryDxfBuilder();
        b.Str(0, "SECTION");
        b.Str(2, "ENTITIES");
        (double, double, double, double)[] edges = [(0, 0, 240, 0), (240, 0, 240, 120), (240, 120, 0, 120), (0, 120, 0, 0)];
        foreach (var (x1, y1, x2, y2) in edges)
        {
            b.Str(0, "LINE");
            b.Str(8, "PART");
            b.Dbl(10, x1);
            b.Dbl(20, y1);
            b.Dbl(11, x2);
            b.Dbl(21, y2);
        }
        b.Str(0, "CIRCLE");
        b.Str(8, "PART");
        b.Dbl(10, 60);
        b.Dbl(20, 60);
        b.Dbl(40, 25);
        b.Str(0, "TEXT");
        b.Str(8, "NOTES");
        b.Dbl(10, 150);
        b.Dbl(20, 100);
        b.Dbl(40, 8);
        b.Str(1, "BINARY PLATE 7");
        b.Str(0, "ENDSEC");
        b.Str(0, "EOF");
        return b.ToArray();
    }

    public static async Task<string> AddAsync(this HttpClient client, byte[] file, string name, string contentType = "image/png")
    {
        var (status, body, _) = await client.SendAsync(HttpMethod.Post, "/index/add", Upload(file, name, contentType: contentType));
        Assert.True(status == 200, $"index/add answered {status}: {body?.ToJsonString()}");
        return body!["file_hash"]!.GetValue<string>();
    }

    /// <summary>The file hashes of the search's duplicates and similar matches.</summary>
    public static async Task<List<string>> FoundAsync(this HttpClient client, byte[] query, string name = "query.png")
    {
        var (status, body, _) = await client.SearchAsync("?mode=balanced&compute_diff=false", Upload(query, name));
        Assert.True(status == 200, $"search answered {status}: {body?.ToJsonString()}");
        return [.. body!["duplicates"]!.AsArray().Concat(body["similar"]!.AsArray()).Select(m => m!["file_hash"]!.GetValue<string>())];
    }

    public static async Task<List<JsonNode>> ListAllAsync(this HttpClient client, int limit)
    {
        var all = new List<JsonNode>();
        string? cursor = null;
        do
        {
            var (status, body, _) = await client.SendAsync(HttpMethod.Get, $"/index?limit={limit}" + (cursor is null ? "" : $"&cursor={cursor}"));
            Assert.True(status == 200, body?.ToJsonString());
            var page = body!["drawings"]!.AsArray();
            Assert.True(page.Count <= limit);
            Assert.Equal(page.Count, (int)body["count"]!);
            all.AddRange(page.Select(d => d!));
            cursor = (string?)body["next_cursor"];
        }
        while (cursor is not null);
        return all;
    }
}
