using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Boomerang.IntegrationTests.Infrastructure;
using Boomerang.Jobs;
using Microsoft.Data.Sqlite;

namespace Boomerang.IntegrationTests.Api;

/// <summary>Issue 14.1: text that is not valid Unicode is refused at the door, and no stored row can break a read.</summary>
public sealed class TextInputTests : IAsyncLifetime
{
    private TestServer _server = null!;
    private HttpClient Client => _server.Client;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();
    public async Task DisposeAsync() => await _server.DisposeAsync();

    // Each body is the UTF-8 of the text with the marker "BAD" replaced by the bytes given.
    public static TheoryData<string, string, string, string> BadBodies => new()
    {
        { "/api/v1/jobs", """{"kind":"echo","input":"a\ud800b"}""", "", "field 'input'" },
        { "/api/v1/jobs", """{"kind":"echo","input":{"x":["ok","a\udc00"]}}""", "", "field 'input.x[1]'" },
        { "/api/v1/jobs", """{"kind":"echo","input":{"k\ud800":1}}""", "", "a field name in field 'input'" },
        { "/api/v1/jobs", """{"kind":"echo","input":"aBADb"}""", "ff fe", "field 'input'" },
        { "/api/v1/jobs", """{"kind":"echo","input":"aBADb"}""", "c0 af", "field 'input'" },
        { "/api/v1/jobs", """{"kind":"echo","input":"aBADb"}""", "ed a0 80", "field 'input'" },
        { "/api/v1/jobs", """{"kind":"echo","input":{"BAD":1}}""", "ff", "a field name in field 'input'" },
        { "/api/v1/jobs", """{"kind":"echBAD"}""", "c0 af", "field 'kind'" },
        { "/api/v1/jobs/batch", """{"jobs":[{"kind":"echo"},{"kind":"echo","input":"\ud800"}]}""", "", "field 'jobs[1].input'" },
        { "/api/v1/jobs/batch", """{"jobs":[{"kind":"echo","input":"BAD"}]}""", "ed a0 80", "field 'jobs[0].input'" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Text_that_is_not_valid_unicode_is_a_400_naming_the_field_and_stores_nothing(
        string path, string template, string badHex, string mentioned)
    {
        var response = await Client.PostAsync(path, Body(template, badHex));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var detail = (await response.ReadJsonAsync()).GetProperty("detail");
        Assert.Equal("INVALID_TEXT", detail.GetProperty("error").GetString());
        Assert.Contains(mentioned, detail.GetProperty("message").GetString());
        Assert.Contains("not valid Unicode", detail.GetProperty("message").GetString());
        var list = await Client.GetFromJsonAsync<JobListResponse>("/api/v1/jobs", BoomerangJson.Options);
        Assert.Empty(list!.Jobs);
    }

    [Fact]
    public async Task A_valid_surrogate_pair_and_non_ascii_text_are_accepted_and_come_back_unchanged()
    {
        var response = await Client.PostAsync("/api/v1/jobs", Body("""{"kind":"echo","input":{"emoji":"\ud83d\ude00","raw":"🎉 wörld"}}""", ""));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var job = await Client.WaitForStatusAsync((await response.ReadJsonAsync()).GetProperty("job_id").GetString()!, JobStatus.Completed);
        Assert.Equal("😀", job.Result!.Value.GetProperty("emoji").GetString());
        Assert.Equal("🎉 wörld", job.Result.Value.GetProperty("raw").GetString());
        Assert.Null(job.RenderError);
    }

    [Fact]
    public async Task A_stored_row_that_cannot_be_rendered_is_listed_marked_and_does_not_hide_its_neighbours()
    {
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var submitted = await Client.SubmitAsync(new { kind = "echo", input = new { n = i } });
            await Client.WaitForStatusAsync(submitted.JobId, JobStatus.Completed);
            ids.Add(submitted.JobId);
        }
        // As a row from an older version (or edited by hand) would be: a lone surrogate escape, and text that is not JSON.
        await using (var db = new SqliteConnection($"Data Source={Path.Combine(_server.Folder.Path, "boomerang.db")};Pooling=False"))
        {
            await db.OpenAsync();
            await using var update = db.CreateCommand();
            update.CommandText = "UPDATE jobs SET result = $r0 WHERE id = $id0; UPDATE jobs SET result = $r1, error = $e1 WHERE id = $id1";
            update.Parameters.AddWithValue("$r0", """{"text":"a\ud800b"}""");
            update.Parameters.AddWithValue("$id0", ids[0]);
            update.Parameters.AddWithValue("$r1", "{not json");
            update.Parameters.AddWithValue("$e1", "bad \ud800 text");
            update.Parameters.AddWithValue("$id1", ids[1]);
            Assert.Equal(2, await update.ExecuteNonQueryAsync());
        }

        var list = await Client.GetAsync("/api/v1/jobs");
        var one = await Client.GetAsync($"/api/v1/jobs/{ids[0]}");

        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        var jobs = (await list.ReadJsonAsync()).GetProperty("jobs").EnumerateArray().ToDictionary(j => j.GetProperty("job_id").GetString()!);
        Assert.Equal(3, jobs.Count);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, jobs[ids[0]].GetProperty("result").ValueKind);
        Assert.Contains("lone surrogate", jobs[ids[0]].GetProperty("render_error").GetString());
        Assert.Contains("not valid JSON", jobs[ids[1]].GetProperty("render_error").GetString());
        Assert.Equal("bad \ufffd text", jobs[ids[1]].GetProperty("error").GetString());
        Assert.Equal(2, jobs[ids[2]].GetProperty("result").GetProperty("n").GetInt32());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, jobs[ids[2]].GetProperty("render_error").ValueKind);
        Assert.Equal(HttpStatusCode.OK, one.StatusCode);
        Assert.Contains("lone surrogate", (await one.ReadJsonAsync()).GetProperty("render_error").GetString());
    }

    [Fact]
    public async Task A_result_nested_as_deep_as_a_body_may_be_is_listed_and_shown()
    {
        // The deepest input a body may carry: the body's object and 63 arrays inside it (64 levels).
        var deep = new string('[', 63) + new string(']', 63);
        var response = await Client.PostAsync("/api/v1/jobs", Body($$"""{"kind":"echo","input":{{deep}}}""", ""));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var jobId = (await response.ReadJsonAsync()).GetProperty("job_id").GetString()!;
        await Client.WaitForStatusAsync(jobId, JobStatus.Completed);

        var list = await Client.GetAsync("/api/v1/jobs");
        var text = await list.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        var page = System.Text.Json.JsonSerializer.Deserialize<JobListResponse>(text, BoomerangJson.Options)!;
        var job = Assert.Single(page.Jobs);
        Assert.Equal(deep, job.Result!.Value.GetRawText());
        Assert.Null(job.RenderError);
    }

    [Fact]
    public async Task A_body_nested_deeper_than_allowed_is_refused_as_such_not_as_invalid_json()
    {
        var deep = new string('[', 64) + new string(']', 64);
        var response = await Client.PostAsync("/api/v1/jobs", Body($$"""{"kind":"echo","input":{{deep}}}""", ""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var message = (await response.ReadJsonAsync()).GetProperty("detail").GetProperty("message").GetString()!;
        Assert.Contains("nested deeper than 64 levels", message);
        Assert.DoesNotContain("invalid JSON", message);
    }

    [Theory]
    [InlineData("", "\\ud800")]
    [InlineData("ff fe", "BAD")]
    [InlineData("ed a0 80", "BAD")]
    public async Task The_receiver_kit_refuses_a_callback_whose_text_is_not_valid_unicode_with_400(string badHex, string marker)
    {
        await using var app = await ReceiverApp.StartAsync(receiver: o => o.RequireSignature = false);
        var task = await app.AddTaskAsync();
        var template = Encoding.UTF8.GetString(CallbackRequests.BoomerangBody(task.JobId!, "job.completed", "completed",
            resultJson: $$"""{"text":"a{{marker}}b"}"""));
        var body = Bytes(template, badHex);

        var response = await app.Client.PostAsync(task.TaskId, body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("field 'result.text' is not valid Unicode", await response.Content.ReadAsStringAsync());
        Assert.Empty(app.Handled.EffectsFor(task.TaskId));
    }

    private static ByteArrayContent Body(string template, string badHex)
    {
        var content = new ByteArrayContent(Bytes(template, badHex));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    private static byte[] Bytes(string template, string badHex)
    {
        var bad = badHex.Length == 0 ? [] : Convert.FromHexString(badHex.Replace(" ", "", StringComparison.Ordinal));
        var parts = template.Split("BAD");
        return parts.Length == 1 ? Encoding.UTF8.GetBytes(template)
            : [.. Encoding.UTF8.GetBytes(parts[0]), .. bad, .. Encoding.UTF8.GetBytes(parts[1])];
    }
}
