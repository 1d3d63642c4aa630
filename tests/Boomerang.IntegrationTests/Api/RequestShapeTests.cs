using System.Net;
using System.Net.Http.Json;
using System.Text;
using Boomerang.IntegrationTests.Infrastructure;
using Boomerang.Jobs;

namespace Boomerang.IntegrationTests.Api;

/// <summary>Issue 14.3: a body must have exactly the contract's shape, errors speak JSON, and bad values are not echoed whole.</summary>
public sealed class RequestShapeTests : IAsyncLifetime
{
    private TestServer _server = null!;
    private HttpClient Client => _server.Client;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();
    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData("""{"kind":"echo","callbackUrl":"https://example.com/"}""", "unknown field 'callbackUrl'")]
    [InlineData("""{"Kind":"echo"}""", "unknown field 'Kind'")]
    [InlineData("""{"kind":"echo","CALLBACK_URL":"https://example.com/"}""", "unknown field 'CALLBACK_URL'")]
    [InlineData("""{"kind":"echo","kind":"sleep"}""", "field 'kind' appears more than once")]
    [InlineData("""{"kind":5}""", "field 'kind' must be a string")]
    [InlineData("""{"kind":null}""", "field 'kind' must not be null")]
    [InlineData("""{"kind":"echo","callback_events":"job.progress"}""", "field 'callback_events' must be an array")]
    [InlineData("""{"kind":"echo","callback_events":[1]}""", "field 'callback_events[0]' must be a string")]
    [InlineData("""{"input":1}""", "missing field 'kind'")]
    public async Task A_body_of_the_wrong_shape_is_a_400_that_says_what_in_json_terms(string body, string message)
    {
        var response = await Client.PostAsync("/api/v1/jobs", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var text = (await response.ReadJsonAsync()).GetProperty("detail").GetProperty("message").GetString()!;
        Assert.Contains(message, text);
        Assert.DoesNotContain("Boomerang.", text);
        Assert.DoesNotContain("System.", text);
    }

    [Theory]
    [InlineData("GET", "/api/v1/jobz", 404, "Not Found")]
    [InlineData("GET", "/api/v1/dedup/2d/nothing-here", 404, "Not Found")]
    [InlineData("PATCH", "/api/v1/jobs", 405, "Method Not Allowed")]
    [InlineData("DELETE", "/api/v1/jobs/batch", 405, "Method Not Allowed")]
    public async Task A_path_or_method_with_no_route_answers_in_json(string method, string path, int status, string detail)
    {
        var response = await Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(detail, (await response.ReadJsonAsync()).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_job_that_does_not_exist_keeps_its_own_404()
    {
        var response = await Client.GetAsync("/api/v1/jobs/00000000-0000-0000-0000-000000000000");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("JOB_NOT_FOUND", (await response.ReadJsonAsync()).GetProperty("detail").GetProperty("error").GetString());
    }

    [Fact]
    public async Task An_unknown_field_in_a_batch_item_names_the_item()
    {
        var response = await Client.PostAsync("/api/v1/jobs/batch", new StringContent(
            """{"jobs":[{"kind":"echo"},{"kind":"echo","callbackUrl":"x"}]}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("unknown field 'jobs[1].callbackUrl'", (await response.ReadJsonAsync()).GetProperty("detail").GetProperty("message").GetString());
    }

    [Fact]
    public async Task A_kind_over_100_characters_is_refused_and_a_bad_kind_is_echoed_only_as_a_prefix()
    {
        var huge = await Client.PostJsonAsync("/api/v1/jobs", new { kind = new string('k', 1024 * 1024) });
        var unknown = await Client.PostJsonAsync("/api/v1/jobs", new { kind = new string('u', 100) });

        Assert.Equal(HttpStatusCode.BadRequest, huge.StatusCode);
        var hugeText = await huge.Content.ReadAsStringAsync();
        Assert.Contains("kind must be at most 100 characters", hugeText);
        Assert.True(hugeText.Length < 300, $"the error echoed {hugeText.Length} characters");
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        var unknownText = await unknown.Content.ReadAsStringAsync();
        Assert.Contains("UNKNOWN_JOB_KIND", unknownText);
        Assert.DoesNotContain(new string('u', 41), unknownText);
    }

    [Fact]
    public async Task The_list_cursor_is_opaque_and_pages_through_only_the_callers_jobs()
    {
        using var other = _server.CreateClient(TestServer.KeyB);
        for (var i = 0; i < 5; i++)
        {
            await other.SubmitAsync(new { kind = "echo", input = i });
        }
        var mine = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            mine.Add((await Client.SubmitAsync(new { kind = "echo", input = i })).JobId);
        }

        var first = await Client.GetFromJsonAsync<JobListResponse>("/api/v1/jobs?limit=2", BoomerangJson.Options);
        var cursor = first!.NextCursor!;
        var second = await Client.GetFromJsonAsync<JobListResponse>($"/api/v1/jobs?limit=2&cursor={Uri.EscapeDataString(cursor)}", BoomerangJson.Options);
        var foreign = await other.GetAsync($"/api/v1/jobs?cursor={Uri.EscapeDataString(cursor)}");
        var number = await Client.GetAsync("/api/v1/jobs?cursor=7");

        Assert.False(long.TryParse(cursor, out _), $"cursor {cursor} is a row number");
        Assert.Equal([mine[2], mine[1]], first.Jobs.Select(j => j.JobId));
        Assert.Equal([mine[0]], second!.Jobs.Select(j => j.JobId));
        Assert.Null(second.NextCursor);
        Assert.Equal(HttpStatusCode.BadRequest, foreign.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, number.StatusCode);
    }
}
