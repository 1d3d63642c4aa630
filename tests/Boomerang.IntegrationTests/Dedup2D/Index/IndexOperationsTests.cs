using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Boomerang.IntegrationTests.Infrastructure;
using static Boomerang.IntegrationTests.Dedup2D.Dedup2DHarness;
using static Boomerang.IntegrationTests.Dedup2D.Index.IndexHarness;

namespace Boomerang.IntegrationTests.Dedup2D.Index;

/// <summary>Delete, listing, rebuild and bulk import of the built-in index over real HTTP on a real SQLite file.</summary>
public sealed class IndexOperationsTests
{
    private static string? FindOriginal(TempFolder folder, string hash) =>
        Directory.EnumerateFiles(DataDir(folder), hash, SearchOption.AllDirectories).FirstOrDefault();

    [Fact]
    public async Task Delete_removes_the_drawing_its_geometry_and_its_original_and_a_second_delete_or_another_tenant_gets_404()
    {
        using var folder = new TempFolder();
        await using var server = await StartAsync(folder);
        var sheet = Sheet(1);
        var plate = Plate(1);
        var sheetHash = await server.Client.AddAsync(sheet, "sheet.png");
        var plateHash = await server.Client.AddAsync(plate, "plate.dxf", "application/dxf");
        Assert.NotNull(FindOriginal(folder, plateHash));
        Assert.True((await server.Client.SendAsync(HttpMethod.Get, $"/geom/{plateHash}/exists")).Body!["exists"]!.GetValue<bool>());

        var (otherTenant, otherBody, _) = await server.CreateClient(TestServer.KeyB).SendAsync(HttpMethod.Delete, $"/index/{plateHash}");
        Assert.Equal(404, otherTenant);
        Assert.Equal("DRAWING_NOT_FOUND", (string?)otherBody!["detail"]!["error"]);

        var (deleted, body, _) = await server.Client.SendAsync(HttpMethod.Delete, $"/index/{plateHash}");
        Assert.True(deleted == 200, body?.ToJsonString());
        Assert.True((bool)body!["success"]!);
        Assert.Equal(plateHash, (string?)body["file_hash"]);

        Assert.DoesNotContain(plateHash, await server.Client.FoundAsync(plate, "plate.dxf"));
        Assert.Contains(sheetHash, await server.Client.FoundAsync(sheet));
        Assert.Null(FindOriginal(folder, plateHash));
        Assert.False((await server.Client.SendAsync(HttpMethod.Get, $"/geom/{plateHash}/exists")).Body!["exists"]!.GetValue<bool>());
        var listed = await server.Client.ListAllAsync(50);
        Assert.Equal([sheetHash], listed.Select(d => (string)d["file_hash"]!));
        Assert.Equal(1, (int)(await server.Client.SendAsync(HttpMethod.Get, "/health")).Body!["indexes"]!["l1"]!);

        var (again, againBody, _) = await server.Client.SendAsync(HttpMethod.Delete, $"/index/{plateHash}");
        Assert.Equal(404, again);
        Assert.Equal(plateHash, (string?)againBody!["detail"]!["file_hash"]);

        // Adding the same bytes after a delete indexes them again.
        Assert.Equal(plateHash, await server.Client.AddAsync(plate, "plate.dxf", "application/dxf"));
        Assert.Contains(plateHash, await server.Client.FoundAsync(plate, "plate.dxf"));
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF")]
    [InlineData("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0")]
    [InlineData("..%2F..%2Fboomerang.db")]
    public async Task A_malformed_file_hash_in_delete_gets_400(string hash)
    {
        using var folder = new TempFolder();
        await using var server = await StartAsync(folder);
        var (status, body, _) = await server.Client.SendAsync(HttpMethod.Delete, $"/index/{hash}");
        Assert.True(status == 400, $"{status}: {body?.ToJsonString()}");
        Assert.Contains("sha256", body!.ToJsonString());
    }

    [Fact]
    public async Task The_listing_pages_through_every_drawing_once_with_its_fields_and_refuses_bad_limits_and_foreign_cursors()
    {
        using var folder = new TempFolder();
        await using var server = await StartAsync(folder);
        var files = Enumerable.Range(1, 5).Select(Sheet).ToList();
        var hashes = new List<string>();
        for (var i = 0; i < files.Count; i++)
        {
            hashes.Add(await server.Client.AddAsync(files[i], $"sheet{i}.png"));
        }
        var plateHash = await server.Client.AddAsync(Plate(2), "plate.dxf", "application/dxf");

        var all = await server.Client.ListAllAsync(2);
        Assert.Equal([.. hashes, plateHash], all.Select(d => (string)d["file_hash"]!));
        var first = all[0];
        Assert.Equal("sheet0.png", (string?)first["file_name"]);
        Assert.Equal(files[0].Length, (long)first["size"]!);
        Assert.False((bool)first["has_geometry"]!);
        Assert.True((double)first["indexed_at"]! > 1_700_000_000);
        Assert.True((long)first["drawing_id"]! > 0);
        Assert.True((bool)all[^1]["has_geometry"]!);
        Assert.Empty(await server.CreateClient(TestServer.KeyB).ListAllAsync(200));

        foreach (var bad in new[] { "0", "201", "-1", "abc", "99999999999" })
        {
            var (status, _, _) = await server.Client.SendAsync(HttpMethod.Get, $"/index?limit={bad}");
            Assert.Equal(422, status);
        }
        var (_, page, _) = await server.Client.SendAsync(HttpMethod.Get, "/index?limit=2");
        var cursor = (string)page!["next_cursor"]!;
        var (foreign, foreignBody, _) = await server.CreateClient(TestServer.KeyB).SendAsync(HttpMethod.Get, $"/index?cursor={cursor}");
        Assert.Equal(400, foreign);
        Assert.Equal("INVALID_CURSOR", (string?)foreignBody!["detail"]!["error"]);
        foreach (var garbage in new[] { "x", "i1.!!!", "i1." + new string('A', 500), "j1.AAAA" })
        {
            Assert.Equal(400, (await server.Client.SendAsync(HttpMethod.Get, $"/index?cursor={Uri.EscapeDataString(garbage)}")).Status);
        }

        // A cursor keeps working when the drawing it names is deleted.
        Assert.Equal(200, (await server.Client.SendAsync(HttpMethod.Delete, $"/index/{hashes[1]}")).Status);
        var (resumed, rest, _) = await server.Client.SendAsync(HttpMethod.Get, $"/index?limit=10&cursor={cursor}");
        Assert.Equal(200, resumed);
        Assert.Equal([hashes[2], hashes[3], hashes[4], plateHash], rest!["drawings"]!.AsArray().Select(d => (string)d!["file_hash"]!));
        Assert.Null(rest["next_cursor"]);
    }

    [Fact]
    public async Task Rebuild_runs_as_a_job_with_progress_recomputes_every_drawing_and_reports_a_missing_original()
    {
        using var folder = new TempFolder();
        await using var server = await StartAsync(folder);
        var files = Enumerable.Range(1, 3).Select(Sheet).ToList();
        var hashes = new List<string>();
        foreach (var (file, i) in files.Select((f, i) => (f, i)))
        {
            hashes.Add(await server.Client.AddAsync(file, $"sheet{i}.png"));
        }
        File.Delete(FindOriginal(folder, hashes[2])!);

        var (status, body, _) = await server.Client.SendAsync(HttpMethod.Post, "/index/rebuild");
        Assert.True(status == 200, body?.ToJsonString());
        Assert.True((bool)body!["success"]!);
        var jobId = (string)body["job_id"]!;
        Assert.Equal($"{Route}/jobs/{jobId}", (string?)body["poll_url"]);

        var job = await server.Client.WaitForJobAsync(jobId, "completed", "failed");
        Assert.Equal("completed", (string?)job["status"]);
        Assert.Equal("dedup2d.index.rebuild", (string?)job["kind"]);
        Assert.Equal(100, (int)job["progress"]!);
        var result = job["result"]!;
        Assert.False((bool)result["success"]!);
        Assert.Equal(3, (int)result["total"]!);
        Assert.Equal(2, (int)result["rebuilt"]!);
        Assert.Equal([hashes[2]], result["missing"]!.AsArray().Select(h => (string)h!));
        Assert.Contains("no stored original", (string?)result["message"]);

        // Searches still find every drawing after the rebuild (the missing one keeps its stored features).
        Assert.Contains(hashes[0], await server.Client.FoundAsync(files[0]));
        Assert.Contains(hashes[2], await server.Client.FoundAsync(files[2]));
        Assert.Equal(3, (int)(await server.Client.SendAsync(HttpMethod.Get, "/health")).Body!["indexes"]!["l1"]!);
    }

    [Fact]
    public async Task A_second_rebuild_while_one_is_pending_joins_it_instead_of_starting_another()
    {
        const string ThirdKey = "test-key-tenant-c";
        using var folder = new TempFolder();
        // An API-only node: the rebuild job stays pending, so the second request surely meets it.
        await using var server = await StartAsync(folder, ("Boomerang:Roles:0", "api"), ("Boomerang:Auth:ApiKeys:2", ThirdKey));
        var (_, first, _) = await server.Client.SendAsync(HttpMethod.Post, "/index/rebuild");
        var (status, second, _) = await server.Client.SendAsync(HttpMethod.Post, "/index/rebuild");
        var (_, otherTenant, _) = await server.CreateClient(TestServer.KeyB).SendAsync(HttpMethod.Post, "/index/rebuild");
        // Joining would drop this callback (the pending rebuild calls no URL), and a bad URL is refused either way.
        var (elsewhere, refused, _) = await server.Client.SendAsync(HttpMethod.Post, "/index/rebuild?callback_url=https://example.com/hook");
        var (bad, badBody, _) = await server.Client.SendAsync(HttpMethod.Post, "/index/rebuild?callback_url=ftp://example.com/hook");
        // A third tenant's rebuild calls back: asking for the same URL, spelled differently, joins it.
        var (_, calling, _) = await server.CreateClient(ThirdKey).SendAsync(HttpMethod.Post, "/index/rebuild?callback_url=https://example.com/hook");
        var (_, same, _) = await server.CreateClient(ThirdKey).SendAsync(HttpMethod.Post, "/index/rebuild?callback_url=HTTPS://example.com/hook%23x");

        Assert.Equal(200, status);
        Assert.False((bool)first!["joined"]!);
        Assert.True((bool)second!["joined"]!);
        Assert.Equal((string?)first["job_id"], (string?)second["job_id"]);
        Assert.False((bool)otherTenant!["joined"]!);
        Assert.NotEqual((string?)first["job_id"], (string?)otherTenant["job_id"]);
        Assert.Equal(409, elsewhere);
        Assert.Equal("REBUILD_IN_PROGRESS", (string?)refused!["detail"]!["error"]);
        Assert.Equal((string?)first["job_id"], (string?)refused["detail"]!["job_id"]);
        Assert.Equal((string?)first["poll_url"], (string?)refused["detail"]!["poll_url"]);
        Assert.Equal(400, bad);
        Assert.Equal("CALLBACK_URL_INVALID", (string?)badBody!["detail"]!["error"]);
        Assert.True((bool)same!["joined"]!, same.ToJsonString());
        Assert.Equal((string?)calling!["job_id"], (string?)same["job_id"]);
    }

    [Fact]
    public async Task A_bulk_import_indexes_each_file_as_one_job_and_lists_the_files_that_failed()
    {
        using var folder = new TempFolder();
        await using var server = await StartAsync(folder);
        var good = new[] { Sheet(11), Sheet(12), Sheet(13) };
        using var content = new MultipartFormDataContent();
        for (var i = 0; i < good.Length; i++)
        {
            content.Add(Part(good[i], "image/png"), "file", $"good{i}.png");
        }
        content.Add(Part(good[0][..(good[0].Length / 3)], "image/png"), "file", "cut.png");
        content.Add(Part([], "image/png"), "file", "empty.png");
        content.Add(Part(Plate(3), "application/dxf"), "file", "plate.dxf");

        var (status, body, _) = await server.Client.SendAsync(HttpMethod.Post, "/index/add?async=true&user_name=importer", content);
        Assert.True(status == 200, body?.ToJsonString());
        Assert.Equal(6, (int)body!["files"]!);
        Assert.Equal(1, (int)body["refused"]!);
        var job = await server.Client.WaitForJobAsync((string)body["job_id"]!, "completed", "failed");

        Assert.Equal("completed", (string?)job["status"]);
        Assert.Equal("dedup2d.index.import", (string?)job["kind"]);
        Assert.Equal(100, (int)job["progress"]!);
        var result = job["result"]!;
        Assert.Equal(6, (int)result["total"]!);
        Assert.Equal(["good0.png", "good1.png", "good2.png", "plate.dxf"], result["indexed"]!.AsArray().Select(r => (string)r!["file_name"]!));
        var failed = result["failed"]!.AsArray().ToDictionary(f => (string)f!["file_name"]!, f => f!);
        Assert.Equal(["empty.png", "cut.png"], failed.Keys);
        Assert.Equal(400, (int)failed["empty.png"]["status_code"]!);
        Assert.Equal(422, (int)failed["cut.png"]["status_code"]!);

        Assert.Contains(IndexHarness.Sha(good[1]), await server.Client.FoundAsync(good[1]));
        var listed = await server.Client.ListAllAsync(200);
        Assert.Equal(4, listed.Count);
        Assert.True((bool)listed.Single(d => (string?)d["file_name"] == "plate.dxf")["has_geometry"]!);
        // The uploads are gone once the job has finished.
        Assert.Empty(Directory.Exists(UploadDir(folder.Path)) ? Directory.EnumerateFiles(UploadDir(folder.Path), "*", SearchOption.AllDirectories) : []);
    }

    [Fact]
    public async Task A_bulk_import_with_no_file_or_with_a_geom_json_or_too_many_files_is_refused_before_any_job()
    {
        using var folder = new TempFolder();
        await using var server = await StartAsync(folder, ("Boomerang:Dedup2D:BuiltIn:MaxImportFiles", "2"));
        using var none = new MultipartFormDataContent { { new StringContent("x"), "other" } };
        Assert.Equal(422, (await server.Client.SendAsync(HttpMethod.Post, "/index/add?async=true", none)).Status);

        using var withGeom = Upload(Sheet(1), "a.png", geomJson: Geometry.ToJsonString());
        Assert.Equal(400, (await server.Client.SendAsync(HttpMethod.Post, "/index/add?async=true", withGeom)).Status);

        using var many = new MultipartFormDataContent();
        for (var i = 0; i < 3; i++)
        {
            many.Add(Part(Sheet(i), "image/png"), "file", $"s{i}.png");
        }
        var (status, body, _) = await server.Client.SendAsync(HttpMethod.Post, "/index/add?async=true", many);
        Assert.Equal(413, status);
        Assert.Contains("MaxImportFiles", body!.ToJsonString());
        Assert.Equal(422, (await server.Client.SendAsync(HttpMethod.Post, "/index/add?async=maybe", Upload(Sheet(1)))).Status);
        Assert.Empty(await server.Client.ListAllAsync(10));
    }

    [Fact]
    public async Task A_binary_dxf_is_indexed_with_its_geometry_and_found_with_the_precision_level()
    {
        using var folder = new TempFolder();
        await using var server = await StartAsync(folder);
        var plate = BinaryPlate();

        var hash = await server.Client.AddAsync(plate, "plate-bin.dxf", "application/dxf");
        var (status, result, _) = await server.Client.SearchAsync("", Upload(plate, "plate-bin.dxf", contentType: "application/dxf"));

        Assert.True(status == 200, result?.ToJsonString());
        var top = result!["duplicates"]!.AsArray()[0]!;
        Assert.Equal(hash, (string?)top["file_hash"]);
        Assert.NotNull(top["levels"]!["l4"]);
        Assert.True((await server.Client.SendAsync(HttpMethod.Get, $"/geom/{hash}/exists")).Body!["exists"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData("Boomerang:Dedup2D:BuiltIn:DwgConverter", "dwg2dxf")]
    [InlineData("Boomerang:Dedup2D:BuiltIn:ChangePollSeconds", "0")]
    [InlineData("Boomerang:Dedup2D:BuiltIn:MaxImportFiles", "0")]
    public async Task A_bad_index_setting_stops_the_server_naming_it(string key, string value)
    {
        using var folder = new TempFolder();
        var e = await Assert.ThrowsAnyAsync<Exception>(async () => await (await StartAsync(folder, (key, value))).DisposeAsync());
        Assert.Contains(key, e.Message);
    }

    private static ByteArrayContent Part(byte[] bytes, string type)
    {
        var part = new ByteArrayContent(bytes);
        part.Headers.ContentType = new MediaTypeHeaderValue(type);
        return part;
    }
}
