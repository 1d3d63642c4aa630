using System.Text.Json.Nodes;
using Boomerang.IntegrationTests.Infrastructure;
using static Boomerang.IntegrationTests.Dedup2D.Dedup2DHarness;

namespace Boomerang.IntegrationTests.Dedup2D;

/// <summary>The seed's proxy tests (test_dedup_2d_proxy.py) over real HTTP, with a fake dedupcad-vision service.</summary>
public sealed class Dedup2DSearchTests
{
    [Fact]
    public async Task Health_is_the_engine_health_in_the_seed_shape()
    {
        await using var vision = await FakeVision.StartAsync();
        await using var server = await StartAsync(vision);

        var (status, body, _) = await server.Client.SendAsync(HttpMethod.Get, "/health");

        Assert.Equal(200, status);
        Assert.Equal("healthy", body!["status"]!.GetValue<string>());
        Assert.Equal("dedupcad-vision", body["service"]!.GetValue<string>());
        Assert.Equal(3, body["indexes"]!["l1"]!.GetValue<int>());
    }

    [Fact]
    public async Task Index_rebuild_is_proxied()
    {
        await using var vision = await FakeVision.StartAsync();
        await using var server = await StartAsync(vision);

        var (status, body, _) = await server.Client.SendAsync(HttpMethod.Post, "/index/rebuild");

        Assert.Equal(200, status);
        Assert.True(body!["success"]!.GetValue<bool>());
        Assert.Equal(1, vision.Hits("rebuild"));
    }

    [Fact]
    public async Task Presets_list_the_seed_table()
    {
        await using var vision = await FakeVision.StartAsync();
        await using var server = await StartAsync(vision);

        var (_, body, _) = await server.Client.SendAsync(HttpMethod.Get, "/presets");

        Assert.Equal(0.7, body!["presets"]!["version"]!["similar_threshold"]!.GetValue<double>());
        Assert.Equal("auto", body["presets"]!["version"]!["version_gate"]!.GetValue<string>());
        Assert.Equal(0.5, body["presets"]!["loose"]!["similar_threshold"]!.GetValue<double>());
    }

    [Fact]
    public async Task A_sync_search_forwards_the_upload_with_default_fields_and_returns_the_filtered_result()
    {
        await using var vision = await FakeVision.StartAsync();
        await using var server = await StartAsync(vision);

        var (status, body, _) = await server.Client.SearchAsync("", Upload(Png, "part.png"));

        Assert.Equal(200, status);
        Assert.True(body!["success"]!.GetValue<bool>());
        Assert.Equal(1, body["total_matches"]!.GetValue<int>());
        Assert.Equal("duplicate", body["duplicates"]![0]!["verdict"]!.GetValue<string>());
        Assert.Null(body["vision_internal"]);
        var sent = Assert.Single(vision.Searches);
        Assert.Equal("part.png", sent.FileName);
        Assert.Equal(Png.Length, sent.Bytes);
        Assert.Equal("balanced", sent.Fields["mode"]);
        Assert.Equal("50", sent.Fields["max_results"]);
        Assert.Equal("true", sent.Fields["compute_diff"]);
        Assert.Equal("false", sent.Fields["enable_ml"]);
        Assert.Equal("false", sent.Fields["enable_geometric"]);
    }

    [Fact]
    public async Task Precision_is_applied_when_geom_json_is_provided()
    {
        await using var vision = await FakeVision.StartAsync();
        await using var server = await StartAsync(vision);
        var hash = await server.Client.IndexAsync([1, 2, 3], "same.dxf", Geometry);
        vision.SearchResult = FakeVision.Result(FakeVision.Match("same", hash, "same.png", 0.99));

        var (status, body, _) = await server.Client.SearchAsync("?mode=precise", Upload(Png, geomJson: Geometry.ToJsonString()));

        Assert.Equal(200, status);
        var match = body!["duplicates"]![0]!;
        Assert.Equal(1.0, match["precision_score"]!.GetValue<double>());
        Assert.Equal(0.99, match["visual_similarity"]!.GetValue<double>());
        Assert.Equal(0.997, match["similarity"]!.GetValue<double>(), 9);
        Assert.Equal(4, match["match_level"]!.GetValue<int>());
        Assert.Equal(4, body["final_level"]!.GetValue<int>());
        Assert.Contains(body["warnings"]!.AsArray(), w => w!.GetValue<string>() == "precision_verified:1");
        Assert.True(body["timing"]!["precision_ms"]!.GetValue<double>() >= 0);
    }

    [Fact]
    public async Task Thresholds_can_reclassify_a_duplicate_as_similar()
    {
        await using var vision = await FakeVision.StartAsync();
        await using var server = await StartAsync(vision);
        var hash = await server.Client.IndexAsync([1, 2, 3], "same.dxf", Geometry);
        vision.SearchResult = FakeVision.Result(FakeVision.Match("same", hash, "same.png", 0.99));

        var (_, body, _) = await server.Client.SearchAsync("?duplicate_threshold=0.9999&similar_threshold=0.5",
            Upload(Png, geomJson: Geometry.ToJsonString()));

        Assert.Empty(body!["duplicates"]!.AsArray());
        Assert.Equal("similar", body["similar"]![0]!["verdict"]!.GetValue<string>());
    }

    [Fact]
    public async Task Preset_version_classifies_a_mid_similarity_as_similar_with_the_version_profile()
    {
        await using var vision = await FakeVision.StartAsync();
        await using var server = await StartAsync(vision);
        var hash = await server.Client.IndexAsync([1, 2, 3], "same.dxf", Geometry);
        vision.SearchResult = FakeVision.Result(FakeVision.Match("mid", hash, "mid.png", 0.45));

        var (_, body, _) = await server.Client.SearchAsync("?preset=version", Upload(Png, geomJson: Geometry.ToJsonString()));

        var match = Assert.Single(body!["similar"]!.AsArray())!;
        Assert.Equal(0.725, match["similarity"]!.GetValue<double>(), 9); // 0.5 × 0.45 + 0.5 × 1.0
        Assert.Equal("version", match["levels"]!["l4"]!["precision_profile"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_preset_does_not_override_explicit_thresholds()
    {
        await using var vision = await FakeVision.StartAsync();
        await using var server = await StartAsync(vision);
        var hash = await server.Client.IndexAsync([1, 2, 3], "same.dxf", Geometry);
        vision.SearchResult = FakeVision.Result(FakeVision.Match("mid", hash, "mid.png", 0.45));

        var (_, body, _) = await server.Client.SearchAsync("?preset=version&similar_threshold=0.90", Upload(Png, geomJson: Geometry.ToJsonString()));

        Assert.Empty(body!["duplicates"]!.AsArray());
        Assert.Empty(body["similar"]!.AsArray());
        Assert.Equal(0, body["total_matches"]!.GetValue<int>());
    }

    [Fact]
    public async Task An_unknown_preset_is_a_400_naming_it()
    {
        await using var vision = await FakeVision.StartAsync();
        await using var server = await StartAsync(vision);

        var (status, body, _) = await server.Client.SearchAsync("?preset=Nope", Upload(Png));

        Assert.Equal(400, status);
        Assert.Equal("Unknown preset: Nope", body!["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task Precision_diff_can_be_requested()
    {
        await using var vision = await FakeVision.StartAsync();
        await using var server = await StartAsync(vision);
        var hash = await server.Client.IndexAsync([1, 2, 3], "same.dxf", Geometry);
        vision.SearchResult = FakeVision.Result(FakeVision.Match("same", hash, "same.png", 0.99));

        var (_, body, _) = await server.Client.SearchAsync("?precision_compute_diff=true&precision_diff_top_n=1",
            Upload(Png, geomJson: Geometry.ToJsonString()));

        var match = body!["duplicates"]![0]!;
        Assert.NotNull(match["precision_diff"]);
        Assert.Equal(1.0, match["precision_diff_similarity"]!.GetValue<double>());
        Assert.NotNull(match["levels"]!["l4"]);
    }

    [Fact]
    public async Task Version_gate_file_name_filters_candidates_of_another_drawing()
    {
        await using var vision = await FakeVision.StartAsync();
        await using var server = await StartAsync(vision);
        var same = await server.Client.IndexAsync([1], "PartA_v2.dxf", Geometry);
        var other = await server.Client.IndexAsync([2], "PartB_v1.dxf", Geometry);
        vision.SearchResult = FakeVision.Result(
            FakeVision.Match("same", same, "PartA_v2.png", 0.99), FakeVision.Match("other", other, "PartB_v1.png", 0.99));

        var (_, body, _) = await server.Client.SearchAsync("?preset=version&version_gate=file_name",
            Upload(Png, "PartA_v1.png", Geometry.ToJsonString()));

        var kept = Assert.Single(body!["duplicates"]!.AsArray())!;
        Assert.Equal("same", kept["drawing_id"]!.GetValue<string>());
        Assert.Empty(body["similar"]!.AsArray());
        Assert.Equal(["precision_version_gate_filtered:1", "precision_verified:1"],
            body["warnings"]!.AsArray().Select(w => w!.GetValue<string>()).ToArray());
    }

    [Fact]
    public async Task Candidates_without_stored_geometry_are_counted_and_down_weighted()
    {
        await using var vision = await FakeVision.StartAsync();
        await using var server = await StartAsync(vision);
        vision.SearchResult = FakeVision.Result(FakeVision.Match("unknown", FakeVision.Sha("never indexed"), "x.png", 0.99));

        var (_, body, _) = await server.Client.SearchAsync("", Upload(Png, geomJson: Geometry.ToJsonString()));

        // 0.3 × 0.99 = 0.297: no longer similar at the default 0.80.
        Assert.Equal(0, body!["total_matches"]!.GetValue<int>());
        Assert.Equal(["precision_missing_geom_json:1"], body["warnings"]!.AsArray().Select(w => w!.GetValue<string>()).ToArray());
    }

    [Fact]
    public async Task Index_add_stores_geom_json_under_the_engine_file_hash()
    {
        await using var vision = await FakeVision.StartAsync();
        await using var server = await StartAsync(vision);

        var (status, body, _) = await server.Client.SendAsync(HttpMethod.Post, "/index/add?user_name=alice&upload_to_s3=false",
            Upload([9, 9, 9], "a.dxf", Geometry.ToJsonString()));

        Assert.Equal(200, status);
        Assert.EndsWith("; geom_json stored", body!["message"]!.GetValue<string>());
        Assert.Contains("indexed by alice (s3=false)", body["message"]!.GetValue<string>());
        var hash = body["file_hash"]!.GetValue<string>();
        var (_, exists, _) = await server.Client.SendAsync(HttpMethod.Get, $"/geom/{hash}/exists");
        Assert.Equal($$"""{"file_hash":"{{hash}}","exists":true}""", exists!.ToJsonString());
    }

    [Fact]
    public async Task Geom_exists_checks_the_hash_format()
    {
        await using var vision = await FakeVision.StartAsync();
        await using var server = await StartAsync(vision);

        var (absent, body, _) = await server.Client.SendAsync(HttpMethod.Get, $"/geom/{new string('a', 64)}/exists");
        var (bad, error, _) = await server.Client.SendAsync(HttpMethod.Get, $"/geom/{new string('A', 64)}/exists");

        Assert.Equal(200, absent);
        Assert.False(body!["exists"]!.GetValue<bool>());
        Assert.Equal(400, bad);
        Assert.Equal("Invalid file_hash; expected 64-char lowercase hex sha256", error!["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task Precision_compare_scores_a_drawing_against_itself_as_one()
    {
        await using var vision = await FakeVision.StartAsync();
        await using var server = await StartAsync(vision);
        var form = new MultipartFormDataContent
        {
            { new StringContent(Geometry.ToJsonString()), "left_geom_json", "l.json" },
            { new StringContent(Geometry.ToJsonString()), "right_geom_json", "r.json" },
        };

        var (status, body, _) = await server.Client.SendAsync(HttpMethod.Post, "/precision/compare", form);

        Assert.Equal(200, status);
        Assert.Equal(1.0, body!["score"]!.GetValue<double>());
        Assert.Equal(1.0, body["breakdown"]!["entities"]!.GetValue<double>());
        Assert.Matches("^[0-9a-f]{64}$", body["geom_hash_left"]!.GetValue<string>());
        Assert.Equal(body["geom_hash_left"]!.GetValue<string>(), body["geom_hash_right"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_unreachable_engine_is_a_503_unavailable()
    {
        await using var vision = await FakeVision.StartAsync();
        await using var server = await StartAsync(vision);
        await vision.DisposeAsync();

        var (status, body, _) = await server.Client.SendAsync(HttpMethod.Get, "/health");

        Assert.Equal(503, status);
        Assert.Equal("dedupcad-vision unavailable", body!["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_engine_status_and_body_pass_through()
    {
        await using var vision = await FakeVision.StartAsync();
        await using var server = await StartAsync(vision);
        vision.FailNext(415);

        var (status, body, _) = await server.Client.SearchAsync("", Upload(Png));

        Assert.Equal(415, status);
        Assert.Equal("fake failure 415", body!["detail"]!["detail"]!.GetValue<string>());
        Assert.Equal(1, vision.Hits("search")); // a 4xx is not retried
    }

    [Fact]
    public async Task A_5xx_is_retried_once_and_the_second_answer_counts()
    {
        await using var vision = await FakeVision.StartAsync();
        await using var server = await StartAsync(vision);
        vision.FailNext(500);

        var (status, _, _) = await server.Client.SearchAsync("", Upload(Png));

        Assert.Equal(200, status);
        Assert.Equal(2, vision.Hits("search"));
    }

    [Fact]
    public async Task After_repeated_failures_the_circuit_opens_and_answers_503_with_retry_after_without_calling_the_engine()
    {
        await using var vision = await FakeVision.StartAsync();
        await using var server = await StartAsync(vision,
            ("Boomerang:Dedup2D:Vision:CircuitFailureThreshold", "2"), ("Boomerang:Dedup2D:Vision:RetryMaxAttempts", "1"));
        vision.FailNext(500, 500);

        Assert.Equal(500, (await server.Client.SendAsync(HttpMethod.Get, "/health")).Status);
        Assert.Equal(500, (await server.Client.SendAsync(HttpMethod.Get, "/health")).Status);
        var (status, body, response) = await server.Client.SendAsync(HttpMethod.Get, "/health");

        Assert.Equal(503, status);
        Assert.Equal("dedupcad-vision circuit open", body!["detail"]!.GetValue<string>());
        Assert.Equal("5", response.Headers.RetryAfter!.ToString());
        Assert.Equal(2, vision.Hits("health"));
        // Another endpoint has its own breaker.
        Assert.Equal(200, (await server.Client.SendAsync(HttpMethod.Post, "/index/rebuild")).Status);
    }

    [Fact]
    public async Task Every_route_needs_an_api_key()
    {
        await using var vision = await FakeVision.StartAsync();
        await using var server = await StartAsync(vision);
        using var anonymous = server.CreateClient(null);
        using var wrong = server.CreateClient("nope");

        var (missing, body, _) = await anonymous.SendAsync(HttpMethod.Get, "/presets");
        var (invalid, body2, _) = await wrong.SendAsync(HttpMethod.Get, "/health");

        Assert.Equal(401, missing);
        Assert.Equal("Missing API Key", body!["detail"]!.GetValue<string>());
        Assert.Equal(401, invalid);
        Assert.Equal("Invalid API Key", body2!["detail"]!.GetValue<string>());
        Assert.Equal(0, vision.Hits("health"));
    }

    [Fact]
    public async Task The_openapi_document_describes_the_dedup_routes_and_their_bodies()
    {
        await using var vision = await FakeVision.StartAsync();
        await using var server = await StartAsync(vision);

        var doc = JsonNode.Parse(await server.Client.GetStringAsync("/openapi/v1.json"))!;

        var search = doc["paths"]!["/api/v1/dedup/2d/search"]!["post"]!;
        Assert.NotNull(search["requestBody"]!["content"]!["multipart/form-data"]!["schema"]!["properties"]!["file"]);
        Assert.NotNull(search["responses"]!["422"]);
        Assert.NotNull(doc["paths"]!["/api/v1/dedup/2d/jobs/{job_id}"]!["get"]!["responses"]!["404"]);
        Assert.NotNull(doc["paths"]!["/api/v1/dedup/2d/config"]!["put"]);
    }
}
