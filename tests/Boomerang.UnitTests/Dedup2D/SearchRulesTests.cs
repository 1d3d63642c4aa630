using System.Text.Json.Nodes;
using Boomerang.Server.Dedup2D;
using Boomerang.Server.Dedup2D.Engine;
using Boomerang.Server.Dedup2D.Precision;
using Boomerang.Server.Dedup2D.Search;
using Boomerang.Server.Dedup2D.Storage;
using Microsoft.Extensions.Options;

namespace Boomerang.UnitTests.Dedup2D;

public sealed class SearchRulesTests
{
    private static readonly Dedup2DOptions Defaults = new();

    [Theory]
    [InlineData(6 * 1024 * 1024, false, false, "balanced", "file_size>5MB")]
    [InlineData(100 * 1024, false, false, "balanced", null)]
    [InlineData(100, true, true, "balanced", "enable_precision_with_geom_json")]
    [InlineData(100, true, false, "balanced", null)]
    [InlineData(100, false, false, "precise", "mode=precise")]
    [InlineData(100, false, false, "fast", null)]
    [InlineData(6 * 1024 * 1024, true, true, "precise", "file_size>5MB")]
    [InlineData(100, true, true, "precise", "enable_precision_with_geom_json")]
    public void Forced_async_reasons_follow_the_seed_order_and_strings(long size, bool precision, bool geom, string mode, string? reason)
    {
        Assert.Equal(reason, ForcedAsync.Reason(Defaults, size, precision, geom, mode));
    }

    [Fact]
    public void The_size_reason_names_the_threshold_in_whole_mebibytes_at_least_one()
    {
        Assert.Equal("file_size>10MB", ForcedAsync.Reason(new Dedup2DOptions { ForcedAsyncFileSizeBytes = 10 * 1048576 }, 11 * 1048576, false, false, "fast"));
        Assert.Equal("file_size>1MB", ForcedAsync.Reason(new Dedup2DOptions { ForcedAsyncFileSizeBytes = 1000 }, 2000, false, false, "fast"));
        Assert.Null(ForcedAsync.Reason(new Dedup2DOptions { ForcedAsyncFileSizeBytes = 0 }, long.MaxValue, false, false, "fast"));
    }

    [Theory]
    [InlineData("part_v2.dxf", "part")]
    [InlineData("PartA-V12.png", "PartA")]
    [InlineData("part v3.dxf", "part")]
    [InlineData("part.dxf", null)]
    [InlineData("v2.dxf", null)]
    [InlineData(null, null)]
    public void The_file_key_is_the_stem_without_its_version_suffix(string? name, string? key)
    {
        Assert.Equal(key, VersionGate.FileKey(name));
    }

    [Fact]
    public void The_meta_key_is_the_first_non_blank_drawing_number()
    {
        Assert.Equal("D-100", VersionGate.MetaKey(JsonNode.Parse("""{"meta":{"drawing_number":" D-100 "}}""")!.AsObject()));
        Assert.Equal("X9", VersionGate.MetaKey(JsonNode.Parse("""{"meta":{"drawing_number":" ","drawingNo":"X9"}}""")!.AsObject()));
        Assert.Null(VersionGate.MetaKey(JsonNode.Parse("""{"meta":{"drawing_number":""}}""")!.AsObject()));
    }

    [Fact]
    public void A_request_preset_wins_over_tenant_keys_but_never_over_the_query()
    {
        var tenant = JsonNode.Parse("""{"preset":"strict","similar_threshold":0.6,"precision_top_n":7}""")!.AsObject();
        var present = new HashSet<string> { "preset", "duplicate_threshold" };

        var p = ParameterMerge.Apply(new SearchParameters { DuplicateThreshold = 0.99 }, present, "version", tenant);

        Assert.Equal(0.70, p.SimilarThreshold);   // preset over tenant key
        Assert.Equal(50, p.PrecisionTopN);         // preset over tenant key
        Assert.Equal(0.99, p.DuplicateThreshold);  // query over everything
        Assert.Equal("version", p.PrecisionProfile);
    }

    [Fact]
    public void Without_a_request_preset_tenant_keys_win_over_the_tenant_preset()
    {
        var tenant = JsonNode.Parse("""{"preset":"version","similar_threshold":0.6}""")!.AsObject();

        var p = ParameterMerge.Apply(new SearchParameters(), new HashSet<string>(), null, tenant);

        Assert.Equal(0.6, p.SimilarThreshold);
        Assert.Equal(0.5, p.PrecisionVisualWeight);
        Assert.Equal("auto", p.VersionGate);
    }

    [Theory]
    [InlineData("../../etc/passwd", "passwd")]
    [InlineData("a b<>:?.png", "a_b_.png")]
    [InlineData("...", "upload.bin")]
    [InlineData("", "upload.bin")]
    [InlineData("C:\\x\\图纸.dxf", "dxf")]
    public void Upload_names_are_sanitised_as_the_seed_does(string name, string expected)
    {
        Assert.Equal(expected, UploadStorage.Sanitize(name));
    }

    [Theory]
    [InlineData("../x")]
    [InlineData("/etc/passwd")]
    [InlineData("a/../../x")]
    [InlineData("")]
    public void A_stored_upload_reference_cannot_leave_the_upload_folder(string key)
    {
        var storage = new UploadStorage(Options.Create(new Dedup2DOptions { UploadDir = Path.GetTempPath() }));

        Assert.Throws<InvalidOperationException>(() => storage.Resolve(key));
    }

    [Fact]
    public void Without_the_configured_engine_the_selector_answers_503_with_how_to_fix_it()
    {
        var selector = new EngineSelector([], Options.Create(new Dedup2DOptions()));

        var e = Assert.Throws<DrawingEngineException>(() => selector.Engine);

        Assert.Equal(503, e.StatusCode);
        Assert.Contains("DEDUPCAD_VISION_URL", e.Detail!.GetValue<string>());
    }

    [Theory]
    [InlineData("", "", "builtin")]
    [InlineData("", "http://vision:58001", "dedupcad-vision")]
    [InlineData(" BuiltIn ", "http://vision:58001", "builtin")]
    public void The_engine_setting_defaults_to_the_adapter_when_a_vision_url_is_set(string engine, string url, string expected)
    {
        Assert.Equal(expected, new Dedup2DOptions { Engine = engine, VisionUrl = url }.EffectiveEngine);
    }
}
