using System.Text.Json.Nodes;
using Boomerang.Server.Dedup2D;
using Boomerang.Server.Dedup2D.Precision;
using Boomerang.Server.Dedup2D.Search;
using Microsoft.Extensions.Options;

namespace Boomerang.UnitTests.Dedup2D;

public sealed class PrecisionOverlayTests
{
    private static readonly JsonObject Geom = JsonNode.Parse("""{"entities":[{"type":"CIRCLE","center":[0,0],"radius":5}]}""")!.AsObject();
    private static readonly string HashA = new('a', 64);
    private static readonly string HashB = new('b', 64);

    private static PrecisionOverlay Overlay() => new(new GeometryScorer(Options.Create(new Dedup2DOptions())));

    private static JsonObject Response(params (string Hash, double Similarity)[] matches) => new()
    {
        ["success"] = true,
        ["duplicates"] = new JsonArray(matches.Select(m => (JsonNode?)new JsonObject
        {
            ["drawing_id"] = m.Hash[..1], ["file_hash"] = m.Hash, ["file_name"] = "x.png", ["similarity"] = m.Similarity,
            ["match_level"] = 2, ["verdict"] = "duplicate", ["levels"] = new JsonObject(),
        }).ToArray()),
        ["similar"] = new JsonArray(),
        ["final_level"] = 2,
        ["timing"] = new JsonObject { ["total_ms"] = 10.0, ["l4_ms"] = 0.0 },
        ["warnings"] = new JsonArray(),
    };

    private static Task<JsonObject?> Store(string hash, CancellationToken _) => Task.FromResult(hash == HashA ? Geom : null);

    [Fact]
    public async Task The_worked_example_fuses_0_99_and_1_0_into_0_997()
    {
        var result = await Overlay().ApplyAsync(Response((HashA, 0.99)), Geom, "q.png", new SearchParameters(), Store, default);

        Assert.Equal(0.997, result["duplicates"]![0]!["similarity"]!.GetValue<double>(), 9);
        Assert.Equal(10.0 + result["timing"]!["precision_ms"]!.GetValue<double>(), result["timing"]!["total_ms"]!.GetValue<double>(), 9);
    }

    [Fact]
    public async Task Matches_beyond_top_n_are_down_weighted_and_warnings_come_in_order()
    {
        var result = await Overlay().ApplyAsync(Response((HashA, 0.99), (HashB, 0.98), (new string('c', 64), 0.97)), Geom, "q.png",
            new SearchParameters { PrecisionTopN = 2, SimilarThreshold = 0.2 }, Store, default);

        var similar = result["similar"]!.AsArray();
        Assert.Equal(0.3 * 0.98, similar[0]!["similarity"]!.GetValue<double>(), 9); // missing geometry
        Assert.Equal(0.3 * 0.97, similar[1]!["similarity"]!.GetValue<double>(), 9); // beyond top-N
        Assert.Equal(0.97, similar[1]!["visual_similarity"]!.GetValue<double>(), 9);
        Assert.Equal(["precision_missing_geom_json:1", "precision_verified:1"], result["warnings"]!.AsArray().Select(w => w!.GetValue<string>()).ToArray());
        Assert.Equal(3, result["total_matches"]!.GetValue<int>());
    }

    [Fact]
    public async Task With_no_matches_the_response_is_returned_unchanged_even_with_bad_thresholds()
    {
        var response = Response();
        var before = response.ToJsonString();

        var result = await Overlay().ApplyAsync(response, Geom, "q.png", new SearchParameters { SimilarThreshold = 2 }, Store, default);

        Assert.Equal(before, result.ToJsonString());
    }

    [Theory]
    [InlineData(-1, 1, "weights must be >= 0")]
    [InlineData(0, 0, "weights sum must be > 0")]
    public async Task Bad_weights_are_argument_errors(double visual, double geom, string message)
    {
        var e = await Assert.ThrowsAsync<ArgumentException>(() => Overlay().ApplyAsync(Response((HashA, 0.9)), Geom, "q.png",
            new SearchParameters { PrecisionVisualWeight = visual, PrecisionGeomWeight = geom }, Store, default));
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public async Task Max_results_caps_each_list()
    {
        var result = await Overlay().ApplyAsync(Response((HashA, 0.99), (HashA, 0.99), (HashA, 0.99)), Geom, "q.png",
            new SearchParameters { MaxResults = 2 }, Store, default);

        Assert.Equal(2, result["duplicates"]!.AsArray().Count);
        Assert.Equal(2, result["total_matches"]!.GetValue<int>());
    }
}
