using System.Net.Http.Json;
using Boomerang.IntegrationTests.Infrastructure;
using static Boomerang.IntegrationTests.Dedup2D.Dedup2DHarness;

namespace Boomerang.IntegrationTests.Dedup2D;

/// <summary>The same Dedup2D flows with PostgreSQL as the store: geometry, tenant config and async jobs in its schema.</summary>
public sealed class Dedup2DPostgresTests
{
    [Fact]
    public async Task Geometry_tenant_config_and_an_async_precision_search_work_on_postgres()
    {
        await using var schema = new TestSchema();
        await using var vision = await FakeVision.StartAsync();
        var settings = (await schema.SettingsAsync()).Select(kv => (kv.Key, kv.Value)).ToList();
        settings.Add(("Boomerang:Auth:AdminToken", "pg-admin-token-0123456789"));
        await using var server = await StartAsync(vision, [.. settings]);
        using var admin = server.CreateClient(TestServer.KeyA);
        admin.DefaultRequestHeaders.Add("X-Admin-Token", "pg-admin-token-0123456789");

        var hash = await server.Client.IndexAsync([4, 5, 6], "same.dxf", Geometry);
        var (put, _, _) = await admin.SendAsync(HttpMethod.Put, "/config", JsonContent.Create(new { preset = "version" }));
        vision.SearchResult = FakeVision.Result(FakeVision.Match("mid", hash, "mid.png", 0.45));
        var (_, submitted, _) = await server.Client.SearchAsync("?async=true", Upload(Png, geomJson: Geometry.ToJsonString()));
        var job = await server.Client.WaitForJobAsync(submitted!["job_id"]!.GetValue<string>(), "completed");
        var (_, exists, _) = await server.Client.SendAsync(HttpMethod.Get, $"/geom/{hash}/exists");

        Assert.Equal(200, put);
        Assert.True(exists!["exists"]!.GetValue<bool>());
        var match = Assert.Single(job["result"]!["similar"]!.AsArray())!;
        Assert.Equal(1.0, match["precision_score"]!.GetValue<double>());
        Assert.Equal("version", match["levels"]!["l4"]!["precision_profile"]!.GetValue<string>());
    }
}
