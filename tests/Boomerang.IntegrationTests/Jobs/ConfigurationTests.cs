using System.Net;
using Boomerang.IntegrationTests.Infrastructure;

namespace Boomerang.IntegrationTests.Jobs;

public sealed class ConfigurationTests
{
    [Theory]
    [InlineData("--Boomerang:Jobs:Concurrency=0", null, "Boomerang:Jobs:Concurrency")]
    [InlineData("--Boomerang:Jobs:LeaseSeconds=fast", null, "Boomerang:Jobs:LeaseSeconds")]
    [InlineData(null, "DEDUP2D_CALLBACK_ALLOW_HTTP=maybe", "DEDUP2D_CALLBACK_ALLOW_HTTP")]
    [InlineData(null, "DEDUP2D_WORKER_MAX_JOBS=-3", "Boomerang:Jobs:Concurrency")]
    public async Task A_bad_setting_stops_the_process_with_a_message_naming_it(string? arg, string? env, string named)
    {
        using var folder = new TempFolder();
        var settings = new Dictionary<string, string> { ["Boomerang:Auth:ApiKeys:0"] = TestServer.KeyA };
        if (arg is not null)
        {
            var (key, value) = (arg[2..arg.IndexOf('=')], arg[(arg.IndexOf('=') + 1)..]);
            settings[key] = value;
        }
        var environment = env is null ? null : new Dictionary<string, string> { [env[..env.IndexOf('=')]] = env[(env.IndexOf('=') + 1)..] };

        await using var server = ServerProcess.Start(folder.Path, settings, environment);
        var exitCode = await server.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(2, exitCode);
        Assert.Contains("invalid configuration", server.Stderr);
        Assert.Contains(named, server.Stderr);
    }

    [Fact]
    public async Task First_start_without_a_key_generates_one_keeps_it_in_a_private_file_and_never_prints_it()
    {
        using var folder = new TempFolder();
        string key;
        await using (var first = await ServerProcess.StartReadyAsync(folder.Path))
        {
            var file = Path.Combine(folder.Path, "data", "api-key");
            key = File.ReadAllText(file).Trim();
            Assert.StartsWith("bk_", key);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
            Assert.True(File.Exists(Path.Combine(folder.Path, "data", "boomerang.db")));
            Assert.Contains($"curl -s -H \"X-API-Key: $(cat '{file}')\" http://127.0.0.1:", first.Stdout);
            Assert.DoesNotContain(key, first.Stdout + first.Stderr);
            Assert.Equal(HttpStatusCode.Unauthorized, (await first.CreateClient(null).GetAsync("/api/v1/jobs")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await first.CreateClient(key).GetAsync("/api/v1/jobs")).StatusCode);
        }

        await using var second = await ServerProcess.StartReadyAsync(folder.Path);
        Assert.DoesNotContain(key, second.Stdout + second.Stderr);
        Assert.Equal(HttpStatusCode.OK, (await second.CreateClient(key).GetAsync("/api/v1/jobs")).StatusCode);
    }

    [Fact]
    public async Task The_seeds_environment_names_configure_keys_and_capacity()
    {
        using var folder = new TempFolder();
        await using var server = await ServerProcess.StartReadyAsync(folder.Path, environment: new Dictionary<string, string>
        {
            ["API_KEYS"] = "first-key, second-key",
            ["DEDUP2D_ASYNC_MAX_JOBS"] = "1",
            ["DEDUP2D_WORKER_MAX_JOBS"] = "1",
        });
        using var client = server.CreateClient("second-key");

        await client.SubmitAsync(new { kind = "sleep", input = new { ms = 30_000 } });
        var full = await client.PostJsonAsync("/api/v1/jobs", new { kind = "echo" });

        Assert.Equal(HttpStatusCode.TooManyRequests, full.StatusCode);
        Assert.False(File.Exists(Path.Combine(folder.Path, "data", "api-key")));
    }
}
