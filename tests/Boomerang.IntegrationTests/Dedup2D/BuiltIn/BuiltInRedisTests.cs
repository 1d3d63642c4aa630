using System.Net.Http.Json;
using System.Security.Cryptography;
using Boomerang.IntegrationTests.Callbacks;
using Boomerang.IntegrationTests.Infrastructure;
using StackExchange.Redis;
using static Boomerang.IntegrationTests.Dedup2D.Dedup2DHarness;

namespace Boomerang.IntegrationTests.Dedup2D.BuiltIn;

/// <summary>The built-in engine with Redis as the store: drawing rows, geometry and tenant config live in Redis under the
/// store's key prefix, and the index is loaded from there after a restart.</summary>
public sealed class BuiltInRedisTests
{
    private const string AdminToken = "redis-dedup-admin-token";

    private static async Task<TestServer> StartAsync(TempFolder folder, string configuration, string prefix)
    {
        var settings = CallbackSettings.Loopback(
            ("Boomerang:Dedup2D:UploadDir", UploadDir(folder.Path)),
            ("Boomerang:Dedup2D:BuiltIn:DataDir", Path.Combine(folder.Path, "drawings")),
            ("Boomerang:Dedup2D:ForcedAsyncOnPrecision", "false"),
            ("Boomerang:Dedup2D:ForcedAsyncOnModePrecise", "false"),
            ("Boomerang:Auth:AdminToken", AdminToken));
        foreach (var (key, value) in TestRedis.Settings(configuration, prefix))
        {
            settings[key] = value;
        }
        return await TestServer.StartAsync(settings, folder: new TempFolderView(folder));
    }

    [Fact]
    public async Task On_redis_index_add_search_geometry_and_config_keep_their_data_in_redis_under_the_prefix_and_survive_a_restart()
    {
        using var folder = new TempFolder();
        var configuration = await TestRedis.ConfigurationAsync();
        var prefix = TestRedis.NewPrefix();
        var originals = Enumerable.Range(1, 2).Select(s => BuiltInEngineTests.Sheet(s)).ToList();
        var rescan = BuiltInEngineTests.Sheet(2, 1000, 706, 1.3f);
        string hash;
        await using (var server = await StartAsync(folder, configuration, prefix))
        {
            await server.Client.IndexAsync(originals[0], "sheet1.png", Geometry);
            hash = await server.Client.IndexAsync(originals[1], "sheet2.png", Geometry);
            using var admin = server.CreateClient(TestServer.KeyA);
            admin.DefaultRequestHeaders.Add("X-Admin-Token", AdminToken);
            var (put, _, _) = await admin.SendAsync(HttpMethod.Put, "/config", JsonContent.Create(new { mode = "fast", similar_threshold = 0.6 }));
            var (_, search, _) = await server.Client.SearchAsync("", Upload(rescan, "rescan.png"));
            var (_, exists, _) = await server.Client.SendAsync(HttpMethod.Get, $"/geom/{hash}/exists");
            var (_, config, _) = await server.Client.SendAsync(HttpMethod.Get, "/config");

            Assert.Equal(200, put);
            Assert.Equal(hash, (string?)search!["duplicates"]!.AsArray()[0]!["file_hash"]);
            Assert.True(exists!["exists"]!.GetValue<bool>());
            Assert.Equal("""{"mode":"fast","similar_threshold":0.6}""", config!["config"]!.ToJsonString());
        }

        await using (var redis = await ConnectionMultiplexer.ConnectAsync(configuration))
        {
            var db = redis.GetDatabase();
            Assert.True(await db.KeyExistsAsync($"{prefix}:geom:{hash}"));
            var server = redis.GetServer(redis.GetEndPoints()[0]);
            Assert.Single(server.Keys(pattern: $"{prefix}:tenant_config:*"));
            var drawings = Assert.Single(server.Keys(pattern: $"{prefix}:builtin:drawings:*"));
            Assert.Equal(2, await db.HashLengthAsync(drawings));
            Assert.True(await db.HashExistsAsync(drawings, Convert.ToHexStringLower(SHA256.HashData(originals[0]))));
        }

        await using (var restarted = await StartAsync(folder, configuration, prefix))
        {
            var (_, health, _) = await restarted.Client.SendAsync(HttpMethod.Get, "/health");
            var (_, search, _) = await restarted.Client.SearchAsync("", Upload(rescan, "rescan.png"));
            var (_, config, _) = await restarted.Client.SendAsync(HttpMethod.Get, "/config");

            Assert.Equal(2, (int)health!["indexes"]!["l1"]!);
            Assert.Equal(hash, (string?)search!["duplicates"]!.AsArray()[0]!["file_hash"]);
            Assert.Equal("fast", (string?)config!["config"]!["mode"]);
        }
    }
}
