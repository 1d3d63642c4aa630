using System.Text.Json.Nodes;
using Boomerang.Server.Dedup2D.Precision;

namespace Boomerang.UnitTests.Dedup2D;

public sealed class JsonDiffTests
{
    [Fact]
    public void Paths_are_added_removed_modified_or_unchanged_and_similarity_is_the_unchanged_share()
    {
        var left = JsonNode.Parse("""{"layers":{"A":{"color":1},"B":{"color":2}},"text_content":["x"]}""");
        var right = JsonNode.Parse("""{"layers":{"A":{"color":1},"C":{"color":2}},"text_content":["y"]}""");

        var (diff, similarity) = JsonDiff.Compare(left, right, 200);

        Assert.Equal("""["layers.C.color"]""", diff["added"]!.ToJsonString());
        Assert.Equal("""["layers.B.color"]""", diff["removed"]!.ToJsonString());
        Assert.Equal("text_content[0]", diff["modified"]![0]!["path"]!.GetValue<string>());
        Assert.Equal("""["layers.A.color"]""", diff["unchanged"]!.ToJsonString());
        Assert.Equal(0.25, similarity, 9);
    }

    [Fact]
    public void Strings_compare_case_insensitively_numeric_strings_as_numbers_and_dimension_lists_unordered()
    {
        var left = JsonNode.Parse("""{"a":"Hole","b":"10","dimensions":[{"v":1},{"v":2}]}""");
        var right = JsonNode.Parse("""{"a":"HOLE","b":10.0,"dimensions":[{"v":2},{"v":1}]}""");

        var (_, similarity) = JsonDiff.Compare(left, right, 200);

        Assert.Equal(1.0, similarity);
    }

    [Fact]
    public void Two_empty_objects_are_identical()
    {
        Assert.Equal(1.0, JsonDiff.Compare(new JsonObject(), new JsonObject(), 200).Similarity);
    }

    [Fact]
    public void A_diff_over_the_path_budget_is_truncated_with_meta()
    {
        var left = new JsonObject();
        var right = new JsonObject();
        for (var i = 0; i < 30; i++)
        {
            left[$"l{i:D2}"] = i;
            right[$"r{i:D2}"] = i;
        }

        var (diff, _) = JsonDiff.Compare(left, right, 9);

        Assert.Equal(3, diff["added"]!.AsArray().Count);
        Assert.Equal(3, diff["removed"]!.AsArray().Count);
        Assert.True(diff["meta"]!["diff_truncated"]!.GetValue<bool>());
        Assert.Equal(60, diff["meta"]!["total_paths"]!.GetValue<int>());
        Assert.Equal(6, diff["meta"]!["returned_paths"]!.GetValue<int>());
    }
}
