using System.Text.Json;
using Boomerang.IntegrationTests.Infrastructure;

namespace Boomerang.IntegrationTests.Api;

/// <summary>Issue 13.4: the served OpenAPI document declares every /api/v1 route's request, response and errors.</summary>
public sealed class OpenApiContractTests : IAsyncLifetime
{
    private TestServer _server = null!;
    private JsonElement _doc;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync();
        using var anonymous = _server.CreateClient(null);
        _doc = JsonDocument.Parse(await anonymous.GetStringAsync("/openapi/v1.json")).RootElement.Clone();
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public static TheoryData<string, string, string, string> Routes => new()
    {
        // path, method, success status, the error statuses besides 401
        { "/api/v1/jobs", "post", "202 200", "400 413 415 429" },
        { "/api/v1/jobs", "get", "200", "400" },
        { "/api/v1/jobs/batch", "post", "200", "400 413 415" },
        { "/api/v1/jobs/{jobId}", "get", "200", "403 404" },
        { "/api/v1/jobs/{jobId}/cancel", "post", "200", "403 404" },
        { "/api/v1/jobs/{jobId}/deliveries", "get", "200", "403 404" },
        { "/api/v1/jobs/{jobId}/callback/redeliver", "post", "202", "403 404 409" },
    };

    [Theory]
    [MemberData(nameof(Routes))]
    public void Each_route_declares_its_success_and_error_responses_with_schemas(string path, string method, string success, string errors)
    {
        var operation = _doc.GetProperty("paths").GetProperty(path).GetProperty(method);
        var responses = operation.GetProperty("responses");

        foreach (var status in success.Split(' '))
        {
            Assert.True(HasJsonSchema(responses, status), $"{method} {path}: {status} has no JSON schema");
        }
        foreach (var status in errors.Split(' ').Append("401"))
        {
            Assert.True(HasJsonSchema(responses, status), $"{method} {path}: error {status} is not declared with a schema");
        }
    }

    [Theory]
    [InlineData("/api/v1/jobs", "SubmitJobRequest")]
    [InlineData("/api/v1/jobs/batch", "SubmitBatchRequest")]
    public void Submit_routes_declare_their_request_body(string path, string schema)
    {
        var body = _doc.GetProperty("paths").GetProperty(path).GetProperty("post").GetProperty("requestBody");

        var reference = body.GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString();
        Assert.Equal($"#/components/schemas/{schema}", reference);
    }

    [Fact]
    public void Every_api_route_in_the_document_is_covered_by_these_tests()
    {
        var documented = _doc.GetProperty("paths").EnumerateObject()
            .Where(p => p.Name.StartsWith("/api/v1/", StringComparison.Ordinal) || p.Name == "/api/v1/jobs")
            .SelectMany(p => p.Value.EnumerateObject().Select(m => $"{m.Name} {p.Name}"))
            .Where(r => r.Contains("/api/v1/jobs", StringComparison.Ordinal))
            .Order().ToList();
        var covered = Routes.Select(r => $"{r[1]} {r[0]}").Order().ToList();

        Assert.Equal(covered, documented);
    }

    [Fact]
    public void Schemas_use_the_wire_names_and_the_error_envelope()
    {
        var schemas = _doc.GetProperty("components").GetProperty("schemas");

        var job = schemas.GetProperty("JobView").GetProperty("properties");
        Assert.True(job.TryGetProperty("job_id", out _));
        Assert.True(job.TryGetProperty("callback_next_attempt_at", out _));
        Assert.True(job.TryGetProperty("render_error", out _));
        var request = schemas.GetProperty("SubmitJobRequest").GetProperty("properties");
        Assert.True(request.TryGetProperty("callback_url", out _));
        Assert.True(request.TryGetProperty("idempotency_key", out _));
        var detail = schemas.GetProperty("ErrorDetail").GetProperty("properties");
        Assert.True(detail.TryGetProperty("error", out _));
        Assert.True(detail.TryGetProperty("job_id", out _));
        Assert.True(schemas.GetProperty("ErrorResponse").GetProperty("properties").TryGetProperty("detail", out _));
    }

    private static bool HasJsonSchema(JsonElement responses, string status) =>
        responses.TryGetProperty(status, out var response)
        && response.TryGetProperty("content", out var content)
        && content.TryGetProperty("application/json", out var json)
        && json.TryGetProperty("schema", out _);
}
