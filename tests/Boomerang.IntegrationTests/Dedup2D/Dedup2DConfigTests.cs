using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Boomerang.IntegrationTests.Infrastructure;
using static Boomerang.IntegrationTests.Dedup2D.Dedup2DHarness;

namespace Boomerang.IntegrationTests.Dedup2D;

/// <summary>Per-tenant search defaults: GET with the API key, PUT/DELETE also with the server's admin token.</summary>
public sealed class Dedup2DConfigTests
{
    private const string AdminToken = "dedup-admin-token-for-tests";

    private static Task<TestServer> StartWithAdminAsync(FakeVision vision) =>
        StartAsync(vision, ("Boomerang:Auth:AdminToken", AdminToken));

    private static HttpContent Json(object body) => JsonContent.Create(body);

    private static HttpClient Admin(TestServer server, string key = TestServer.KeyA)
    {
        var client = server.CreateClient(key);
        client.DefaultRequestHeaders.Add("X-Admin-Token", AdminToken);
        return client;
    }

    [Fact]
    public async Task Put_config_without_the_admin_token_is_401_and_with_a_wrong_one_403()
    {
        await using var vision = await FakeVision.StartAsync();
        await using var server = await StartWithAdminAsync(vision);
        using var wrong = server.CreateClient(TestServer.KeyA);
        wrong.DefaultRequestHeaders.Add("X-Admin-Token", "not-it");

        var (missing, _, _) = await server.Client.SendAsync(HttpMethod.Put, "/config", Json(new { preset = "version" }));
        var (bad, _, _) = await wrong.SendAsync(HttpMethod.Put, "/config", Json(new { preset = "version" }));
        var (get, config, _) = await server.Client.SendAsync(HttpMethod.Get, "/config");

        Assert.Equal(401, missing);
        Assert.Equal(403, bad);
        Assert.Equal(200, get);
        Assert.Equal("{}", config!["config"]!.ToJsonString());
    }

    [Fact]
    public async Task With_no_admin_token_configured_put_config_is_403_saying_how_to_set_one()
    {
        await using var vision = await FakeVision.StartAsync();
        await using var server = await StartAsync(vision);
        using var client = server.CreateClient(TestServer.KeyA);
        client.DefaultRequestHeaders.Add("X-Admin-Token", "test");

        var (status, body, _) = await client.SendAsync(HttpMethod.Put, "/config", Json(new { preset = "version" }));

        Assert.Equal(403, status);
        Assert.Contains("ADMIN_TOKEN", body!.ToJsonString());
    }

    [Fact]
    public async Task Config_round_trips_through_get_put_delete()
    {
        await using var vision = await FakeVision.StartAsync();
        await using var server = await StartWithAdminAsync(vision);
        using var admin = Admin(server);

        var (put, stored, _) = await admin.SendAsync(HttpMethod.Put, "/config",
            Json(new { preset = " Version ", similar_threshold = 0.75, precision_top_n = 33 }));
        var (_, read, _) = await server.Client.SendAsync(HttpMethod.Get, "/config");
        var (_, otherTenant, _) = await server.CreateClient(TestServer.KeyB).SendAsync(HttpMethod.Get, "/config");
        var (deleted, cleared, _) = await admin.SendAsync(HttpMethod.Delete, "/config");
        var (_, after, _) = await server.Client.SendAsync(HttpMethod.Get, "/config");

        Assert.Equal(200, put);
        Assert.Equal("""{"preset":"version","precision_top_n":33,"similar_threshold":0.75}""", stored!["config"]!.ToJsonString());
        Assert.Equal(read!["tenant_id"]!.GetValue<string>(), stored["tenant_id"]!.GetValue<string>());
        Assert.Equal("version", read["config"]!["preset"]!.GetValue<string>());
        Assert.Equal("{}", otherTenant!["config"]!.ToJsonString());
        Assert.Equal(200, deleted);
        Assert.Equal("{}", cleared!["config"]!.ToJsonString());
        Assert.Equal("{}", after!["config"]!.ToJsonString());
    }

    [Fact]
    public async Task A_body_that_is_not_json_gets_the_seeds_422_not_a_415()
    {
        await using var vision = await FakeVision.StartAsync();
        await using var server = await StartWithAdminAsync(vision);
        using var admin = Admin(server);

        var (status, body, _) = await admin.SendAsync(HttpMethod.Put, "/config",
            new StringContent("""{"preset":"version"}""", System.Text.Encoding.UTF8, "text/plain"));

        Assert.Equal(422, status);
        Assert.Equal("model_attributes_type", body!["detail"]![0]!["type"]!.GetValue<string>());
        var doc = JsonNode.Parse(await server.Client.GetStringAsync("/openapi/v1.json"))!;
        Assert.NotNull(doc["paths"]!["/api/v1/dedup/2d/config"]!["put"]!["requestBody"]!["content"]!["application/json"]!["schema"]);
    }

    [Fact]
    public async Task Put_replaces_the_config_wholesale()
    {
        await using var vision = await FakeVision.StartAsync();
        await using var server = await StartWithAdminAsync(vision);
        using var admin = Admin(server);

        await admin.SendAsync(HttpMethod.Put, "/config", Json(new { preset = "version", mode = "fast" }));
        await admin.SendAsync(HttpMethod.Put, "/config", Json(new { duplicate_threshold = 0.9 }));
        var (_, read, _) = await server.Client.SendAsync(HttpMethod.Get, "/config");

        Assert.Equal("""{"duplicate_threshold":0.9}""", read!["config"]!.ToJsonString());
    }

    [Theory]
    [InlineData("""{"preset":"nope"}""", 400, "Unknown preset: nope")]
    [InlineData("""{"mode":"slow"}""", 400, "Invalid mode: slow")]
    [InlineData("""{"precision_profile":"loose"}""", 400, "Invalid precision_profile: loose")]
    [InlineData("""{"precision_top_n":0}""", 422, "precision_top_n")]
    [InlineData("""{"duplicate_threshold":1.5}""", 422, "duplicate_threshold")]
    [InlineData("""{"precision_geom_weight":-1}""", 422, "precision_geom_weight")]
    [InlineData("""{"duplicate_threshold":0.5,"similar_threshold":0.9}""", 422, "similar_threshold")]
    [InlineData("""{"version_gate":"sometimes"}""", 422, "version_gate")]
    [InlineData("""{"mode":3}""", 422, "mode")]
    [InlineData("""[1]""", 422, "body")]
    [InlineData("""{"preset":""", 422, "body")]
    public async Task Bad_config_bodies_are_rejected_naming_the_field(string json, int status, string mentions)
    {
        await using var vision = await FakeVision.StartAsync();
        await using var server = await StartWithAdminAsync(vision);
        using var admin = Admin(server);

        var (actual, body, _) = await admin.SendAsync(HttpMethod.Put, "/config",
            new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(status, actual);
        Assert.Contains(mentions, body!["detail"]!.ToJsonString());
    }

    [Theory]
    [InlineData(new byte[] { 0x7B, 0x22, 0x70, 0x72, 0x65, 0x73, 0x65, 0x74, 0x22, 0x3A, 0x22, 0xC3, 0x28, 0x22, 0x7D })] // {"preset":"<bad UTF-8>"}
    [InlineData(new byte[] { 0x7B, 0x22, 0x70, 0x72, 0x65, 0x73, 0x65, 0x74, 0x22, 0x3A, 0x22, 0x5C, 0x75, 0x64, 0x38, 0x30, 0x30, 0x22, 0x7D })] // {"preset":"\ud800"}
    public async Task A_config_body_with_text_that_is_not_valid_unicode_is_422_naming_the_field_and_stores_nothing(byte[] json)
    {
        await using var vision = await FakeVision.StartAsync();
        await using var server = await StartWithAdminAsync(vision);
        using var admin = Admin(server);
        var content = new ByteArrayContent(json);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");

        var (status, body, _) = await admin.SendAsync(HttpMethod.Put, "/config", content);
        var (_, read, _) = await server.Client.SendAsync(HttpMethod.Get, "/config");

        Assert.Equal(422, status);
        var item = body!["detail"]!.AsArray()[0]!;
        Assert.Equal("body", (string?)item["loc"]![0]);
        Assert.Contains("preset", (string?)item["msg"]);
        Assert.Contains("not valid Unicode", (string?)item["msg"]);
        Assert.Equal("{}", read!["config"]!.ToJsonString());
    }

    [Fact]
    public async Task The_tenant_preset_applies_when_the_request_names_none()
    {
        await using var vision = await FakeVision.StartAsync();
        await using var server = await StartWithAdminAsync(vision);
        using var admin = Admin(server);
        var hash = await server.Client.IndexAsync([1, 2, 3], "same.dxf", Geometry);
        vision.SearchResult = FakeVision.Result(FakeVision.Match("mid", hash, "mid.png", 0.45));
        await admin.SendAsync(HttpMethod.Put, "/config", Json(new { preset = "version" }));

        var (_, body, _) = await server.Client.SearchAsync("", Upload(Png, geomJson: Geometry.ToJsonString()));

        var match = Assert.Single(body!["similar"]!.AsArray())!;
        Assert.Equal("version", match["levels"]!["l4"]!["precision_profile"]!.GetValue<string>());
        Assert.Equal(0.725, match["similarity"]!.GetValue<double>(), 9);
    }

    [Fact]
    public async Task An_explicit_request_preset_overrides_the_tenant_preset()
    {
        await using var vision = await FakeVision.StartAsync();
        await using var server = await StartWithAdminAsync(vision);
        using var admin = Admin(server);
        var hash = await server.Client.IndexAsync([1, 2, 3], "same.dxf", Geometry);
        vision.SearchResult = FakeVision.Result(FakeVision.Match("mid", hash, "mid.png", 0.45));
        await admin.SendAsync(HttpMethod.Put, "/config", Json(new { preset = "strict" }));

        var (_, body, _) = await server.Client.SearchAsync("?preset=version", Upload(Png, geomJson: Geometry.ToJsonString()));

        var match = Assert.Single(body!["similar"]!.AsArray())!;
        Assert.Equal("version", match["levels"]!["l4"]!["precision_profile"]!.GetValue<string>());
    }

    [Fact]
    public async Task Tenant_keys_win_over_the_tenant_preset_and_query_keys_win_over_both()
    {
        await using var vision = await FakeVision.StartAsync();
        await using var server = await StartWithAdminAsync(vision);
        using var admin = Admin(server);
        var hash = await server.Client.IndexAsync([1, 2, 3], "same.dxf", Geometry);
        vision.SearchResult = FakeVision.Result(FakeVision.Match("mid", hash, "mid.png", 0.45));
        await admin.SendAsync(HttpMethod.Put, "/config", Json(new { preset = "version", similar_threshold = 0.9, mode = "fast" }));

        var (_, tenantWins, _) = await server.Client.SearchAsync("", Upload(Png, geomJson: Geometry.ToJsonString()));
        var (_, queryWins, _) = await server.Client.SearchAsync("?similar_threshold=0.7&mode=balanced", Upload(Png, geomJson: Geometry.ToJsonString()));

        Assert.Equal(0, tenantWins!["total_matches"]!.GetValue<int>()); // 0.725 < tenant 0.9
        Assert.Equal(1, queryWins!["total_matches"]!.GetValue<int>());  // 0.725 ≥ query 0.7
        Assert.Equal(["fast", "balanced"], vision.Searches.Select(s => s.Fields["mode"]).ToArray());
    }
}
