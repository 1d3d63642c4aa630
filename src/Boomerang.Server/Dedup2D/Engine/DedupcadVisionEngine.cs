using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Boomerang.Server.Dedup2D.Engine;

/// <summary>The external dedupcad-vision service behind the engine port (reference §8.1, errors as §3.8.3).</summary>
internal sealed partial class DedupcadVisionEngine(IHttpClientFactory clients, ILogger<DedupcadVisionEngine> log) : IDrawingEngine
{
    public string Name => "dedupcad-vision";

    public Task<JsonObject> HealthAsync(CancellationToken ct) =>
        SendAsync(() => new HttpRequestMessage(HttpMethod.Get, "health"), ct);

    public Task<JsonObject> SearchAsync(EngineSearch request, CancellationToken ct) =>
        SendAsync(() =>
        {
            var form = Multipart(request.File);
            form.Add(new StringContent(request.Mode), "mode");
            form.Add(new StringContent(request.MaxResults.ToString(CultureInfo.InvariantCulture)), "max_results");
            form.Add(new StringContent(Bool(request.ComputeDiff)), "compute_diff");
            form.Add(new StringContent(Bool(request.EnableMl)), "enable_ml");
            form.Add(new StringContent(Bool(request.EnableGeometric)), "enable_geometric");
            return new HttpRequestMessage(HttpMethod.Post, "api/v2/search") { Content = form };
        }, ct);

    public Task<JsonObject> IndexAddAsync(EngineIndexAdd request, CancellationToken ct) =>
        SendAsync(() => new HttpRequestMessage(HttpMethod.Post,
            $"api/index/add?user_name={Uri.EscapeDataString(request.UserName)}&upload_to_s3={Bool(request.UploadToS3)}")
        { Content = Multipart(request.File) }, ct);

    public Task<JsonObject> RebuildAsync(string tenantId, CancellationToken ct) =>
        SendAsync(() => new HttpRequestMessage(HttpMethod.Post, "api/v2/index/rebuild"), ct);

    public JsonObject? TryExtractGeometry(DrawingFile file) => null;

    private static string Bool(bool value) => value ? "true" : "false";

    private static MultipartFormDataContent Multipart(DrawingFile file)
    {
        var content = new ByteArrayContent(file.Bytes.ToArray());
        content.Headers.ContentType = MediaTypeHeaderValue.TryParse(file.ContentType, out var type) ? type
            : new MediaTypeHeaderValue("application/octet-stream");
        return new MultipartFormDataContent { { content, "file", file.FileName } };
    }

    private async Task<JsonObject> SendAsync(Func<HttpRequestMessage> build, CancellationToken ct)
    {
        using var request = build();
        var endpoint = VisionRegistration.EndpointOf(new Uri(new Uri("http://x/"), request.RequestUri!));
        HttpResponseMessage response;
        try
        {
            response = await clients.CreateClient(VisionRegistration.ClientName).SendAsync(request, ct).ConfigureAwait(false);
        }
        catch (BrokenCircuitException)
        {
            LogCircuitOpen(endpoint);
            throw new DrawingEngineException(503, "dedupcad-vision circuit open", 5);
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutRejectedException
            || e is OperationCanceledException && !ct.IsCancellationRequested)
        {
            LogUnavailable(endpoint, e.GetType().Name);
            throw new DrawingEngineException(503, "dedupcad-vision unavailable");
        }
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            JsonNode? body = null;
            try
            {
                body = string.IsNullOrWhiteSpace(text) ? null : JsonNode.Parse(text);
            }
            catch (JsonException)
            {
                // Not JSON: the text itself is the detail of an error; a success must be JSON.
            }
            if (status is < 200 or >= 300)
            {
                LogEngineError(endpoint, status);
                throw new DrawingEngineException(status, body ?? JsonValue.Create(text));
            }
            return body as JsonObject ?? throw new DrawingEngineException(502, "dedupcad-vision returned a response that is not a JSON object");
        }
    }

    [LoggerMessage(EventId = 8101, Level = LogLevel.Warning, Message = "dedupcad-vision {Endpoint}: circuit open")]
    private partial void LogCircuitOpen(string endpoint);

    [LoggerMessage(EventId = 8102, Level = LogLevel.Warning, Message = "dedupcad-vision {Endpoint}: unavailable ({Error})")]
    private partial void LogUnavailable(string endpoint, string error);

    [LoggerMessage(EventId = 8103, Level = LogLevel.Information, Message = "dedupcad-vision {Endpoint}: HTTP {Status}")]
    private partial void LogEngineError(string endpoint, int status);
}
