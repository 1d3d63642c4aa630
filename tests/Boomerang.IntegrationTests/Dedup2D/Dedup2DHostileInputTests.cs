using System.Net.Http.Headers;
using System.Text;
using Boomerang.IntegrationTests.Infrastructure;
using static Boomerang.IntegrationTests.Dedup2D.Dedup2DHarness;

namespace Boomerang.IntegrationTests.Dedup2D;

/// <summary>What a careless or hostile client sends gets a clear 4xx, never a 500, and reaches no engine.</summary>
public sealed class Dedup2DHostileInputTests
{
    [Fact]
    public async Task A_zero_byte_file_is_a_400_empty_file()
    {
        await using var vision = await FakeVision.StartAsync();
        await using var server = await StartAsync(vision);

        var (status, body, _) = await server.Client.SearchAsync("", Upload([]));

        Assert.Equal(400, status);
        Assert.Equal("Empty file", body!["detail"]!.GetValue<string>());
        Assert.Empty(vision.Searches);
    }

    [Fact]
    public async Task A_zero_byte_geom_json_is_a_400_empty_geom_json()
    {
        await using var vision = await FakeVision.StartAsync();
        await using var server = await StartAsync(vision);

        var (status, body, _) = await server.Client.SearchAsync("", Upload(Png, geomJson: ""));

        Assert.Equal(400, status);
        Assert.Equal("Empty geom_json", body!["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task Geom_json_that_is_not_utf8_is_a_400_invalid_geom_json()
    {
        await using var vision = await FakeVision.StartAsync();
        await using var server = await StartAsync(vision);
        var form = Upload(Png);
        form.Add(new ByteArrayContent([0x7B, 0x22, 0xFF, 0xFE, 0x22, 0x3A, 0x31, 0x7D]), "geom_json", "g.json");

        var (status, body, _) = await server.Client.SearchAsync("", form);

        Assert.Equal(400, status);
        Assert.StartsWith("Invalid geom_json: ", body!["detail"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("[1,2,3]")]
    [InlineData("{\"entities\": [")]
    [InlineData("not json")]
    public async Task Geom_json_that_is_not_a_json_object_is_a_400(string geom)
    {
        await using var vision = await FakeVision.StartAsync();
        await using var server = await StartAsync(vision);

        var (status, body, _) = await server.Client.SearchAsync("", Upload(Png, geomJson: geom));

        Assert.Equal(400, status);
        Assert.StartsWith("Invalid geom_json: ", body!["detail"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("../../etc/passwd")]
    [InlineData("..\\..\\boot.ini")]
    [InlineData("/abs/path.png")]
    public async Task A_path_like_file_name_is_a_400(string name)
    {
        await using var vision = await FakeVision.StartAsync();
        await using var server = await StartAsync(vision);

        var (status, body, _) = await server.Client.SearchAsync("?async=true", Upload(Png, name));

        Assert.Equal(400, status);
        Assert.StartsWith("Invalid file name", body!["detail"]!.GetValue<string>());
        Assert.Empty(Directory.Exists(UploadDir(server.Folder.Path)) ? Directory.GetFileSystemEntries(UploadDir(server.Folder.Path)) : []);
    }

    [Fact]
    public async Task A_100_MB_upload_is_a_413()
    {
        await using var vision = await FakeVision.StartAsync();
        await using var server = await StartAsync(vision);
        var content = new MultipartFormDataContent();
        var part = new StreamContent(new ZeroStream(100L * 1024 * 1024));
        part.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        content.Add(part, "file", "huge.png");

        var status = 0;
        string detail = "";
        try
        {
            var (s, body, _) = await server.Client.SearchAsync("", content);
            status = s;
            detail = body?["detail"]?.ToString() ?? "";
        }
        catch (HttpRequestException)
        {
            // Kestrel may close the connection while the client is still sending; the status is then unseen.
            status = 413;
            detail = "connection closed";
        }

        Assert.Equal(413, status);
        Assert.NotEmpty(detail);
        Assert.Empty(vision.Searches);
    }

    [Fact]
    public async Task A_body_that_is_not_multipart_is_a_422_naming_the_file_field()
    {
        await using var vision = await FakeVision.StartAsync();
        await using var server = await StartAsync(vision);

        var (status, body, _) = await server.Client.SearchAsync("", new StringContent("{}", Encoding.UTF8, "application/json"));

        Assert.Equal(422, status);
        Assert.Equal("file", body!["detail"]![0]!["loc"]![1]!.GetValue<string>());
        Assert.Equal("missing", body["detail"]![0]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_form_without_the_file_is_a_422_naming_it()
    {
        await using var vision = await FakeVision.StartAsync();
        await using var server = await StartAsync(vision);
        var form = new MultipartFormDataContent { { new StringContent("x"), "other" } };

        var (status, body, _) = await server.Client.SearchAsync("", form);

        Assert.Equal(422, status);
        Assert.Equal("""["body","file"]""", body!["detail"]![0]!["loc"]!.ToJsonString());
    }

    [Theory]
    [InlineData("max_results=abc", "max_results")]
    [InlineData("async=maybe", "async")]
    [InlineData("duplicate_threshold=NaN", "duplicate_threshold")]
    [InlineData("precision_top_n=1.5", "precision_top_n")]
    public async Task A_query_parameter_of_the_wrong_type_is_a_422_naming_it(string query, string field)
    {
        await using var vision = await FakeVision.StartAsync();
        await using var server = await StartAsync(vision);

        var (status, body, _) = await server.Client.SearchAsync("?" + query, Upload(Png));

        Assert.Equal(422, status);
        Assert.Equal($"""["query","{field}"]""", body!["detail"]![0]!["loc"]!.ToJsonString());
    }

    [Fact]
    public async Task Thresholds_out_of_order_are_a_400_from_the_overlay()
    {
        await using var vision = await FakeVision.StartAsync();
        await using var server = await StartAsync(vision);

        var (status, body, _) = await server.Client.SearchAsync("?duplicate_threshold=0.5&similar_threshold=0.9",
            Upload(Png, geomJson: Geometry.ToJsonString()));

        Assert.Equal(400, status);
        Assert.Equal("invalid thresholds: require 0 <= similar_threshold <= duplicate_threshold <= 1", body!["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_non_sha256_candidate_hash_with_precision_is_a_400()
    {
        await using var vision = await FakeVision.StartAsync();
        await using var server = await StartAsync(vision);
        vision.SearchResult = FakeVision.Result(FakeVision.Match("x", "abc", "x.png", 0.99));

        var (status, body, _) = await server.Client.SearchAsync("", Upload(Png, geomJson: Geometry.ToJsonString()));

        Assert.Equal(400, status);
        Assert.Equal("Invalid file_hash; expected 64-char lowercase hex sha256", body!["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task Form_fields_with_invalid_utf8_are_not_a_500()
    {
        await using var vision = await FakeVision.StartAsync();
        await using var server = await StartAsync(vision);
        var form = Upload(Png);
        form.Add(new ByteArrayContent([0xC3, 0x28, 0xFF]), "note");
        var name = new ByteArrayContent(Png);
        name.Headers.ContentDisposition = ContentDispositionHeaderValue.Parse("form-data; name=\"file2\"; filename=\"caf\u00e9.png\"");

        var (status, _, _) = await server.Client.SearchAsync("?mode=%FF%FE", form);

        Assert.InRange(status, 200, 499);
    }

    /// <summary>A readable stream of zeros that never holds them all in memory.</summary>
    private sealed class ZeroStream(long length) : Stream
    {
        private long _position;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => length;
        public override long Position { get => _position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, length - _position);
            Array.Clear(buffer, offset, n);
            _position += n;
            return n;
        }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
