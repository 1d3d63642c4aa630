using System.Text.Json;
using Boomerang.IntegrationTests.Infrastructure;

namespace Boomerang.IntegrationTests.Cli;

public sealed class CliJobsTests : CliTestBase
{
    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement;

    [Fact]
    public async Task Submit_with_wait_prints_the_result_and_exits_0_when_the_job_completes()
    {
        var run = await RunAsync("submit", "echo", "--input", """{"greeting":"hi"}""", "--wait", "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        var job = Json(run.Stdout);
        Assert.Equal("completed", job.GetProperty("status").GetString());
        Assert.Equal("hi", job.GetProperty("result").GetProperty("greeting").GetString());
    }

    [Fact]
    public async Task Submit_with_wait_exits_1_and_shows_the_error_when_the_job_fails()
    {
        var run = await RunAsync("submit", "sleep", "--input", "{}", "--wait");

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("failed", run.Stdout);
        Assert.Contains("sleep input must be", run.Stdout);
    }

    [Fact]
    public async Task Submit_with_wait_on_a_pipe_prints_a_line_per_status_change_then_the_job()
    {
        var run = await RunAsync("submit", "sleep", "--input", """{"ms": 1500}""", "--wait");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Matches(@": in_progress \d+%", run.Stdout);
        Assert.Matches(@": completed \d+%", run.Stdout);
        Assert.Contains("slept_ms", run.Stdout);
    }

    [Fact]
    public async Task Input_from_a_file_is_submitted_as_it_is()
    {
        var file = Path.Combine(Home.Path, "input.json");
        await File.WriteAllTextAsync(file, """{"from":"file","n":[1,2]}""");

        var run = await RunAsync("submit", "echo", "--input", "@" + file, "--wait", "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("file", Json(run.Stdout).GetProperty("result").GetProperty("from").GetString());
    }

    [Fact]
    public async Task Jobs_list_get_and_cancel_work_on_the_callers_jobs()
    {
        var submitted = Json((await RunAsync("submit", "sleep", "--input", """{"ms": 60000}""", "--json")).Stdout);
        var id = submitted.GetProperty("job_id").GetString()!;

        var list = await RunAsync("jobs", "list", "--json");
        var cancel = await RunAsync("jobs", "cancel", id, "--json");
        var job = await Eventually.GetAsync(async () => Json((await RunAsync("jobs", "get", id, "--json")).Stdout),
            j => j.GetProperty("status").GetString() == "canceled", "the job to be canceled");
        var table = await RunAsync("jobs", "list");

        Assert.Contains(id, list.Stdout);
        Assert.True(Json(cancel.Stdout).GetProperty("canceled").GetBoolean(), cancel.ToString());
        Assert.Equal(id, job.GetProperty("job_id").GetString());
        Assert.Contains(id, table.Stdout);
        Assert.Contains("canceled", table.Stdout);
    }

    [Fact]
    public async Task Another_tenants_job_is_an_error_line_and_exit_2()
    {
        using var other = Server.CreateClient(TestServer.KeyB);
        var response = await other.PostAsync("/api/v1/jobs", new StringContent("""{"kind":"echo","input":1}""", System.Text.Encoding.UTF8, "application/json"));
        var id = Json(await response.Content.ReadAsStringAsync()).GetProperty("job_id").GetString()!;

        var run = await RunAsync("jobs", "get", id);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("", run.Stdout);
        var line = Assert.Single(run.Stderr.Trim().Split('\n'));
        Assert.StartsWith("error: the server answered 403", line);
    }

    [Fact]
    public async Task Settings_come_from_the_config_file_when_no_flag_or_variable_is_set()
    {
        var config = Path.Combine(Home.Path, ".config", "boomerang");
        Directory.CreateDirectory(config);
        await File.WriteAllTextAsync(Path.Combine(config, "config.json"),
            $$"""{"url": "{{Server.BaseAddress}}", "api_key": "{{TestServer.KeyA}}"}""");

        var run = await RunBareAsync(null, "submit", "echo", "--input", "7", "--wait", "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(7, Json(run.Stdout).GetProperty("result").GetInt32());
    }

    [Fact]
    public async Task A_flag_wins_over_the_environment()
    {
        var run = await CliProcess.RunAsync(Home.Path, ["jobs", "list", "--json", "--api-key", TestServer.KeyA],
            new Dictionary<string, string> { ["BOOMERANG_URL"] = Server.BaseAddress.ToString(), ["BOOMERANG_API_KEY"] = "wrong-key" });

        Assert.True(run.ExitCode == 0, run.ToString());
    }

    [Theory]
    [InlineData("no API key")]
    [InlineData("cannot reach the server")]
    [InlineData("is not valid JSON")]
    [InlineData("unknown key \"apikey\"")]
    [InlineData("Unrecognized command or argument '--nope'")]
    public async Task Each_usage_or_connection_problem_is_one_error_line_and_exit_2(string expected)
    {
        var env = new Dictionary<string, string> { ["BOOMERANG_URL"] = Server.BaseAddress.ToString(), ["BOOMERANG_API_KEY"] = TestServer.KeyA };
        string[] args = ["jobs", "list"];
        switch (expected)
        {
            case "no API key":
                env.Remove("BOOMERANG_API_KEY");
                break;
            case "cannot reach the server":
                env["BOOMERANG_URL"] = "http://127.0.0.1:1";
                break;
            case "is not valid JSON":
                args = ["submit", "echo", "--input", "{not json"];
                break;
            case "unknown key \"apikey\"":
                var file = Path.Combine(Home.Path, "typo.json");
                await File.WriteAllTextAsync(file, """{"apikey": "x"}""");
                env["BOOMERANG_CONFIG"] = file;
                break;
            default:
                args = ["jobs", "list", "--nope"];
                break;
        }

        var run = await RunBareAsync(env, args);

        Assert.Equal(2, run.ExitCode);
        var line = Assert.Single(run.Stderr.Trim().Split('\n'));
        Assert.StartsWith("error: ", line);
        Assert.Contains(expected, line);
    }
}
