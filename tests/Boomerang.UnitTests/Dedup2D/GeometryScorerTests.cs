using System.Text.Json.Nodes;
using Boomerang.Server.Dedup2D;
using Boomerang.Server.Dedup2D.Precision;
using Microsoft.Extensions.Options;

namespace Boomerang.UnitTests.Dedup2D;

public sealed class GeometryScorerTests
{
    private static GeometryScorer Scorer(Dedup2DOptions? options = null) => new(Options.Create(options ?? new Dedup2DOptions()));

    private static JsonObject Lines(params (double X1, double Y1, double X2, double Y2)[] lines) => new()
    {
        ["entities"] = new JsonArray(lines.Select(l => (JsonNode?)new JsonObject
        {
            ["type"] = "LINE", ["start"] = new JsonArray(l.X1, l.Y1), ["end"] = new JsonArray(l.X2, l.Y2), ["layer"] = "0",
        }).ToArray()),
        ["layers"] = new JsonObject { ["0"] = new JsonObject { ["color"] = 7 } },
    };

    private static readonly JsonObject Bracket = Lines((0, 0, 100, 0), (100, 0, 100, 50), (100, 50, 0, 50), (0, 50, 0, 0));

    [Fact]
    public void A_drawing_scores_one_against_itself_in_every_section()
    {
        var score = Scorer().Score(Bracket, (JsonObject)Bracket.DeepClone(), "strict");

        Assert.Equal(1.0, score.Score);
        Assert.Equal(1.0, score.Breakdown["entities"]);
        Assert.Equal(1.0, score.Breakdown["layers"]);
        Assert.Equal(score.GeomHashLeft, score.GeomHashRight);
    }

    [Fact]
    public void Entity_order_does_not_matter_because_entities_are_matched_by_optimal_assignment()
    {
        var shuffled = Lines((0, 50, 0, 0), (100, 50, 0, 50), (0, 0, 100, 0), (100, 0, 100, 50));

        var score = Scorer().Score(Bracket, shuffled, "strict");

        Assert.Equal(1.0, score.Breakdown["entities"], 9);
    }

    [Fact]
    public void A_moved_line_lowers_the_entity_score_and_a_missing_one_lowers_it_by_its_share()
    {
        var moved = Lines((0, 0, 100, 0), (100, 0, 100, 50), (100, 50, 0, 50), (0, 50, 20, 20));
        var missing = Lines((0, 0, 100, 0), (100, 0, 100, 50), (100, 50, 0, 50));

        var movedScore = Scorer().Score(Bracket, moved, "strict").Breakdown["entities"];
        var missingScore = Scorer().Score(Bracket, missing, "strict").Breakdown["entities"];

        Assert.InRange(movedScore, 0.75, 0.99);
        Assert.Equal(0.75, missingScore, 9);
    }

    [Fact]
    public void The_version_profile_sees_the_same_lines_laid_out_differently_as_less_than_0_95()
    {
        var spread = Lines((0, 0, 10, 0), (200, 200, 210, 200), (0, 200, 10, 200), (200, 0, 210, 0));
        var clustered = Lines((0, 0, 10, 0), (5, 5, 15, 5), (10, 10, 20, 10), (200, 200, 210, 200));

        var score = Scorer().Score(spread, clustered, "version");

        Assert.True(score.Breakdown["entities"] < 0.95, $"entities {score.Breakdown["entities"]}");
        Assert.Equal(1.0, Scorer().Score(spread, (JsonObject)spread.DeepClone(), "version").Score);
    }

    [Fact]
    public void Section_weights_can_be_overridden()
    {
        var other = Lines((0, 0, 100, 0), (100, 0, 100, 50), (100, 50, 0, 50), (0, 50, 0, 0));
        other["layers"] = new JsonObject { ["0"] = new JsonObject { ["color"] = 1 } };

        var defaults = Scorer().Score(Bracket, other, "strict").Score;
        var layersOnly = Scorer(new Dedup2DOptions { SectionWeights = new() { ["entities"] = 0, ["layers"] = 1 } }).Score(Bracket, other, "strict");

        Assert.Equal(1.0 / 1.2, defaults, 9); // entities 1.0 at weight 1, layers 0.0 at weight 0.2
        Assert.Equal(0.0, layersOnly.Score);
        Assert.False(layersOnly.Breakdown.ContainsKey("entities"));
    }

    [Fact]
    public void An_unknown_profile_is_an_argument_error()
    {
        var e = Assert.Throws<ArgumentException>(() => Scorer().Score(Bracket, Bracket, "fuzzy"));
        Assert.Equal("Unknown precision profile: fuzzy", e.Message);
    }

    [Fact]
    public void The_geometry_hash_ignores_key_order_and_whitespace_in_strings()
    {
        var a = JsonNode.Parse("""{"layers":{"0":{"color":7}},"entities":[{"type":"line","layer":" 0 ","start":[0,0]}]}""")!.AsObject();
        var b = JsonNode.Parse("""{"entities":[{"start":[0.0,0],"layer":"0","type":"LINE"}],"layers":{"0":{"color":7}}}""")!.AsObject();

        var score = Scorer().Score(a, b, "strict");

        Assert.Equal(score.GeomHashLeft, score.GeomHashRight);
        Assert.Matches("^[0-9a-f]{64}$", score.GeomHashLeft);
    }
}
