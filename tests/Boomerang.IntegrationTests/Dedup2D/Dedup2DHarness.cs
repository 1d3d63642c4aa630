using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Boomerang.IntegrationTests.Callbacks;
using Boomerang.IntegrationTests.Infrastructure;

namespace Boomerang.IntegrationTests.Dedup2D;

/// <summary>The real server with the dedupcad-vision adapter pointed at a <see cref="FakeVision"/>, and upload helpers.</summary>
internal static class Dedup2DHarness
{
    public const string Route = "/api/v1/dedup/2d";

    /// <summary>A small v2 geometry: a bracket outline with a hole, two layers, a drawing number.</summary>
    public static readonly JsonObject Geometry = JsonNode.Parse("""
        {"entities":[
            {"type":"LINE","start":[0,0],"end":[100,0],"layer":"0"},
            {"type":"LINE","start":[100,0],"end":[100,50],"layer":"0"},
            {"type":"LINE","start":[100,50],"end":[0,50],"layer":"0"},
            {"type":"CIRCLE","center":[50,25],"radius":10,"layer":"HOLES"}],
         "layers":{"0":{"color":7},"HOLES":{"color":1}},
         "meta":{"drawing_number":"D-100"}}
        """)!.AsObject();

    public static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3, 4, 5, 6, 7, 8];

    public static Task<TestServer> StartAsync(FakeVision vision, params (string Key, string Value)[] extra)
    {
        var settings = CallbackSettings.Loopback(
            ("Boomerang:Dedup2D:VisionUrl", vision.Url),
            ("Boomerang:Dedup2D:Vision:RetryBaseDelaySeconds", "0.01"),
            ("Boomerang:Dedup2D:Vision:RetryMaxDelaySeconds", "0.05"),
            ("Boomerang:Dedup2D:Vision:TimeoutSeconds", "10"),
            // As the seed's API tests do: only the size rule forces async unless a test turns the others on.
            ("Boomerang:Dedup2D:ForcedAsyncOnPrecision", "false"),
            ("Boomerang:Dedup2D:ForcedAsyncOnModePrecise", "false"));
        var folder = new TempFolder();
        settings["Boomerang:Dedup2D:UploadDir"] = UploadDir(folder.Path);
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }
        return TestServer.StartAsync(settings, folder: folder);
    }

    public static string UploadDir(string serverFolder) => Path.Combine(serverFolder, "uploads");

    public static MultipartFormDataContent Upload(byte[] file, string fileName = "query.png", string? geomJson = null,
        string contentType = "image/png", string fileField = "file")
    {
        var content = new MultipartFormDataContent();
        var part = new ByteArrayContent(file);
        part.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        content.Add(part, fileField, fileName);
        if (geomJson is not null)
        {
            content.Add(new ByteArrayContent(Encoding.UTF8.GetBytes(geomJson)), "geom_json", "geom.json");
        }
        return content;
    }

    public static async Task<(int Status, JsonNode? Body, HttpResponseMessage Response)> SendAsync(this HttpClient client, HttpMethod method,
        string path, HttpContent? content = null)
    {
        using var request = new HttpRequestMessage(method, Route + path) { Content = content };
        var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        JsonNode? body;
        try
        {
            body = text.Length == 0 ? null : JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            body = JsonValue.Create(text);
        }
        return ((int)response.StatusCode, body, response);
    }

    public static Task<(int Status, JsonNode? Body, HttpResponseMessage Response)> SearchAsync(this HttpClient client, string query,
        HttpContent content) => client.SendAsync(HttpMethod.Post, "/search" + query, content);

    /// <summary>Indexes a drawing with its geometry through the API (the engine's file hash = SHA-256 of the bytes).</summary>
    public static async Task<string> IndexAsync(this HttpClient client, byte[] file, string fileName, JsonObject geometry)
    {
        var (status, body, _) = await client.SendAsync(HttpMethod.Post, "/index/add", Upload(file, fileName, geometry.ToJsonString()));
        Assert.True(status == 200, $"index/add answered {status}: {body?.ToJsonString()}");
        return body!["file_hash"]!.GetValue<string>();
    }

    public static Task<JsonNode> WaitForJobAsync(this HttpClient client, string jobId, params string[] statuses) =>
        Eventually.GetAsync(async () => (await client.SendAsync(HttpMethod.Get, $"/jobs/{jobId}")).Body!,
            b => statuses.Contains(b["status"]!.GetValue<string>()), $"dedup job {jobId} to reach {string.Join("/", statuses)}",
            TimeSpan.FromSeconds(30));
}
