using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Boomerang.IntegrationTests.Dedup2D;

/// <summary>One search request as the fake dedupcad-vision service received it.</summary>
public sealed record VisionSearchRequest(string FileName, string ContentType, int Bytes, IReadOnlyDictionary<string, string> Fields);

/// <summary>
/// A dedupcad-vision stand-in on 127.0.0.1 (a real Kestrel app): the four endpoints the adapter calls, with scripted
/// matches, failures and a way to hold searches open.
/// </summary>
public sealed class FakeVision : IAsyncDisposable
{
    private readonly ConcurrentQueue<VisionSearchRequest> _searches = new();
    private readonly ConcurrentDictionary<string, int> _hits = new();
    private readonly ConcurrentQueue<int> _failures = new();
    private WebApplication _app = null!;

    public Uri BaseAddress { get; private set; } = null!;
    public string Url => BaseAddress.ToString().TrimEnd('/');
    /// <summary>The matches the next searches return (duplicates, similar).</summary>
    public JsonObject SearchResult { get; set; } = Result(Match("same", Sha("same"), "same.png", 0.99));
    /// <summary>Status codes the next requests to any endpoint answer with, one each, before answering normally.</summary>
    public void FailNext(params int[] statuses) { foreach (var s in statuses) { _failures.Enqueue(s); } }
    /// <summary>While set, searches wait until the caller goes away or the source is completed.</summary>
    public TaskCompletionSource? Hold { get; set; }
    public int SearchesStarted => _hits.GetValueOrDefault("search");
    public int Hits(string endpoint) => _hits.GetValueOrDefault(endpoint);
    public IReadOnlyList<VisionSearchRequest> Searches => _searches.ToArray();

    public static string Sha(string text) => Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));

    public static JsonObject Match(string id, string hash, string fileName, double similarity, string verdict = "duplicate") => new()
    {
        ["drawing_id"] = id, ["file_hash"] = hash, ["file_name"] = fileName, ["similarity"] = similarity,
        ["confidence"] = similarity, ["match_level"] = 2, ["verdict"] = verdict,
        ["levels"] = new JsonObject { ["l1"] = new JsonObject { ["phash"] = similarity } },
    };

    public static JsonObject Result(params JsonObject[] duplicates) => Result(duplicates, []);

    public static JsonObject Result(JsonObject[] duplicates, JsonObject[] similar) => new()
    {
        ["success"] = true,
        ["total_matches"] = duplicates.Length + similar.Length,
        ["duplicates"] = new JsonArray(duplicates.Select(d => (JsonNode?)d).ToArray()),
        ["similar"] = new JsonArray(similar.Select(d => (JsonNode?)d).ToArray()),
        ["final_level"] = 2,
        ["timing"] = new JsonObject { ["total_ms"] = 10.0, ["l1_ms"] = 4.0, ["l2_ms"] = 6.0, ["l3_ms"] = 0.0, ["l4_ms"] = 0.0 },
        ["level_stats"] = new JsonObject { ["l1"] = new JsonObject { ["passed"] = 1, ["filtered"] = 0, ["time_ms"] = 4.0 } },
        ["warnings"] = new JsonArray(),
        ["error"] = null,
        ["vision_internal"] = "dropped by the response model",
    };

    public static async Task<FakeVision> StartAsync()
    {
        var vision = new FakeVision();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = 200 * 1024 * 1024);
        builder.Logging.ClearProviders();
        vision._app = builder.Build();
        vision._app.MapGet("/health", (HttpContext http) => vision.Answer("health", http,
            () => new JsonObject { ["status"] = "healthy", ["service"] = "dedupcad-vision", ["version"] = "fake-1", ["indexes"] = new JsonObject { ["l1"] = 3 } }));
        vision._app.MapPost("/api/v2/index/rebuild", (HttpContext http) => vision.Answer("rebuild", http,
            () => new JsonObject { ["success"] = true, ["message"] = "index rebuilt" }));
        vision._app.MapPost("/api/index/add", (Delegate)vision.IndexAddAsync);
        vision._app.MapPost("/api/v2/search", (Delegate)vision.SearchAsync);
        await vision._app.StartAsync();
        vision.BaseAddress = new Uri(vision._app.Services.GetRequiredService<IServer>().Features
            .GetRequiredFeature<IServerAddressesFeature>().Addresses.First());
        return vision;
    }

    private IResult Answer(string endpoint, HttpContext http, Func<JsonObject> body)
    {
        _hits.AddOrUpdate(endpoint, 1, (_, n) => n + 1);
        if (_failures.TryDequeue(out var status))
        {
            return Results.Json(new { detail = $"fake failure {status}" }, statusCode: status);
        }
        return Results.Text(body().ToJsonString(), "application/json");
    }

    private async Task<IResult> IndexAddAsync(HttpContext http)
    {
        var form = await http.Request.ReadFormAsync();
        var file = form.Files["file"]!;
        using var buffer = new MemoryStream();
        await file.CopyToAsync(buffer);
        var hash = Convert.ToHexStringLower(SHA256.HashData(buffer.ToArray()));
        var user = http.Request.Query["user_name"].ToString();
        var s3 = http.Request.Query["upload_to_s3"].ToString();
        return Answer("index_add", http, () => new JsonObject
        {
            ["success"] = true, ["drawing_id"] = 7, ["file_hash"] = hash,
            ["message"] = $"indexed by {user} (s3={s3})", ["processing_time_ms"] = 1.5,
        });
    }

    private async Task<IResult> SearchAsync(HttpContext http)
    {
        var form = await http.Request.ReadFormAsync();
        var file = form.Files["file"]!;
        _searches.Enqueue(new VisionSearchRequest(file.FileName, file.ContentType, (int)file.Length,
            form.Where(f => f.Key != "file").ToDictionary(f => f.Key, f => f.Value.ToString())));
        if (Hold is { } hold)
        {
            _hits.AddOrUpdate("search", 1, (_, n) => n + 1);
            try
            {
                await hold.Task.WaitAsync(http.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return Results.Empty;
            }
            _hits.AddOrUpdate("search", 0, (_, n) => n - 1); // counted once below
        }
        return Answer("search", http, () => (JsonObject)SearchResult.DeepClone());
    }

    public async ValueTask DisposeAsync()
    {
        Hold?.TrySetResult();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
