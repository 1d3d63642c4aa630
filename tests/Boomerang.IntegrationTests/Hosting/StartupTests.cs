using System.Net;
using Boomerang.IntegrationTests.Infrastructure;

namespace Boomerang.IntegrationTests.Hosting;

/// <summary>How the real process starts and ends: help, typos, a busy port, its log volume (issue 14.9).</summary>
public sealed class StartupTests
{
    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    public async Task Help_prints_usage_and_exits_0_without_starting(string flag)
    {
        using var folder = new TempFolder();
        await using var server = ServerProcess.Start(folder.Path, args: [flag, "--Boomerang:Jobs:Concurrency=4"]);

        Assert.Equal(0, await server.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("Usage:", server.Stdout);
        Assert.Contains("Exit codes:", server.Stdout);
        Assert.False(Directory.Exists(Path.Combine(folder.Path, "data")));
    }

    [Theory]
    [InlineData("Boomerang:Jobs:Concurency", "4")]
    [InlineData("Boomerang:Storag:Sqlite:Path", "x.db")]
    [InlineData("Boomerang:Auth:ApiKey", "k")]
    [InlineData("Boomerang:Jobs:Commands:convert:Pth", "/bin/true")]
    [InlineData("Boomerang:Callbacks:SigningSecrets:first", "s")]
    public async Task An_unknown_setting_stops_the_process_naming_it_before_a_key_is_generated(string key, string value)
    {
        using var folder = new TempFolder();
        await using var server = ServerProcess.Start(folder.Path, new Dictionary<string, string> { [key] = value });

        Assert.Equal(2, await server.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains($"unknown setting {key}", server.Stderr);
        Assert.DoesNotContain("bk_", server.Stdout);
        Assert.False(File.Exists(Path.Combine(folder.Path, "data", "api-key")));
    }

    [Theory]
    [InlineData("Boomerang:Jobs:Concurrency", "0", "Boomerang:Jobs:Concurrency")]
    [InlineData("Boomerang:Api:MaxBodyBytes", "-1", "Boomerang:Api:MaxBodyBytes")]
    [InlineData("Boomerang:Callbacks:Allowlist", "hooks.example.com,*.", "Boomerang:Callbacks:Allowlist")]
    [InlineData("Boomerang:Jobs:Commands:convert:TimeoutSeconds", "soon", "Boomerang:Jobs:Commands:convert:TimeoutSeconds")]
    [InlineData("Boomerang:Storage:Postgres:ConnectionString", "Host=db;Pasword=hunter2", "Boomerang:Storage:Postgres:ConnectionString")]
    [InlineData("Boomerang:Auth:AdminToken", "test", "Boomerang:Auth:AdminToken (ADMIN_TOKEN) must be at least 16 characters")]
    [InlineData("Boomerang:Auth:AdminToken", " 0123456789abcde ", "Boomerang:Auth:AdminToken (ADMIN_TOKEN) must be at least 16 characters")]
    [InlineData("Boomerang:Jobs:KindTimeoutSeconds:ecko", "5", "Boomerang:Jobs:KindTimeoutSeconds:ecko: there is no job kind 'ecko' (known kinds: convert, ")]
    public async Task A_bad_value_stops_the_process_before_a_key_is_generated_and_printed(string key, string value, string named)
    {
        using var folder = new TempFolder();
        await using var server = ServerProcess.Start(folder.Path, new Dictionary<string, string>
        {
            [key] = value,
            ["Boomerang:Jobs:Commands:convert:Path"] = "/bin/true",
        });

        Assert.Equal(2, await server.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains(named, server.Stderr);
        Assert.DoesNotContain("Unhandled exception", server.Stderr);
        Assert.DoesNotContain("hunter2", server.Stderr + server.Stdout);
        Assert.DoesNotContain("bk_", server.Stdout);
        Assert.False(File.Exists(Path.Combine(folder.Path, "data", "api-key")));
    }

    [Theory]
    [InlineData("DEDUP2D_ASYNC_TTL_SECONDS", "a week", "DEDUP2D_ASYNC_TTL_SECONDS")]
    [InlineData("DEDUP2D_CALLBACK_ALLOWLIST", "*.", "Boomerang:Callbacks:Allowlist")]
    [InlineData("DEDUP2D_FILE_STORAGE", "s3", "DEDUP2D_FILE_STORAGE: 's3' is not supported")]
    [InlineData("ADMIN_TOKEN", "demo-admin", "Boomerang:Auth:AdminToken (ADMIN_TOKEN) must be at least 16 characters")]
    public async Task A_bad_seed_environment_value_stops_the_process_naming_it(string name, string value, string named)
    {
        using var folder = new TempFolder();
        await using var server = ServerProcess.Start(folder.Path, environment: new Dictionary<string, string> { [name] = value });

        Assert.Equal(2, await server.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains(named, server.Stderr);
        Assert.DoesNotContain("Unhandled exception", server.Stderr);
        Assert.False(File.Exists(Path.Combine(folder.Path, "data", "api-key")));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_command_line_or_environment_setting_wins_over_a_seed_environment_name_for_the_same_key(bool commandLine)
    {
        using var folder = new TempFolder();
        // The environment's spelling need not match Boomerang__…'s case: the host reads it either way.
        await using var server = await ServerProcess.StartReadyAsync(folder.Path,
            commandLine ? new Dictionary<string, string> { ["Boomerang:Auth:ApiKeys:0"] = TestServer.KeyA } : null,
            environment: commandLine ? new Dictionary<string, string> { ["API_KEYS"] = TestServer.KeyB }
                : new Dictionary<string, string> { ["API_KEYS"] = TestServer.KeyB, ["BOOMERANG__AUTH__APIKEYS__0"] = TestServer.KeyA });
        using var http = new HttpClient { BaseAddress = server.BaseAddress };

        // The command line's list is the whole list: the alias neither replaces its item nor adds its own.
        Assert.Equal(HttpStatusCode.OK, await StatusWithKeyAsync(http, TestServer.KeyA));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWithKeyAsync(http, TestServer.KeyB));
    }

    private static async Task<HttpStatusCode> StatusWithKeyAsync(HttpClient http, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/jobs");
        request.Headers.Add("X-API-Key", key);
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }

    [Fact]
    public async Task A_port_in_use_ends_with_one_clear_line_and_exit_code_4()
    {
        using var folder = new TempFolder();
        var keys = new Dictionary<string, string> { ["Boomerang:Auth:ApiKeys:0"] = TestServer.KeyA };
        // The port is held by a first server (a fresh ephemeral listener here could steal a port another test just picked).
        await using var first = await ServerProcess.StartReadyAsync(folder.Path, keys);
        var port = first.Port;

        using var other = new TempFolder();
        await using var server = ServerProcess.Start(other.Path, keys, args: [$"--urls=http://127.0.0.1:{port}"]);

        Assert.Equal(4, await server.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        var lines = server.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal($"Boomerang: cannot listen: Failed to bind to address http://127.0.0.1:{port}: address already in use. (another process is using the port; choose another with --urls)",
            Assert.Single(lines));
        Assert.False(server.Stdout.Contains(" at ", StringComparison.Ordinal) || server.Stdout.Contains("Exception", StringComparison.Ordinal),
            $"a stack trace was printed:\n{server.Stdout}");
    }

    [Fact]
    public async Task At_the_shipped_log_levels_a_request_logs_at_most_one_line()
    {
        using var folder = new TempFolder();
        await using var server = await ServerProcess.StartReadyAsync(folder.Path,
            new Dictionary<string, string> { ["Boomerang:Auth:ApiKeys:0"] = TestServer.KeyA }, logLevel: null);
        using var client = server.CreateClient();
        await Eventually.WaitAsync(() => Task.FromResult(server.Stdout.Contains("Application started")), "the start-up lines", TimeSpan.FromSeconds(30));
        var before = Lines(server.Stdout);

        const int requests = 30;
        for (var i = 0; i < requests; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/jobs")).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await server.CreateClient(null).GetAsync("/api/v1/jobs")).StatusCode);
        }
        var job = await client.SubmitAsync(new { kind = "echo", input = 1 });
        await client.WaitForStatusAsync(job.JobId, "completed");

        Assert.True(Lines(server.Stdout) - before <= 2 * requests + 2, $"{Lines(server.Stdout) - before} log lines for {2 * requests + 2} requests:\n{server.Stdout}");
        Assert.Contains("Now listening on", server.Stdout);
    }

    private static int Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
}
