using System.Diagnostics;
using System.Net;
using Boomerang.IntegrationTests.Infrastructure;
using Boomerang.Jobs;

namespace Boomerang.IntegrationTests.Storage;

/// <summary>Runs only as root, where a small tmpfs can be mounted for the store.</summary>
public sealed class RootFactAttribute : FactAttribute
{
    public RootFactAttribute()
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root")
        {
            Skip = "needs root on Linux to mount a size-limited tmpfs";
        }
    }
}

/// <summary>SQLite on a full disk: submits are refused with 503 and Retry-After, nothing acknowledged is lost, and the
/// server carries on by itself once space returns.</summary>
public sealed class SqliteFullDiskTests
{
    private static void Run(string file, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardError = true })!;
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', args)}: {process.StandardError.ReadToEnd()}");
    }

    [RootFact]
    public async Task A_full_disk_answers_503_with_retry_after_loses_no_accepted_job_and_recovers_when_space_returns()
    {
        using var folder = new TempFolder();
        var mount = Path.Combine(folder.Path, "small");
        Directory.CreateDirectory(mount);
        Run("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", mount);
        try
        {
            await using var server = await TestServer.StartAsync(new Dictionary<string, string>
            {
                ["Boomerang:Storage:Sqlite:Path"] = Path.Combine(mount, "boomerang.db"),
                ["Boomerang:Auth:ApiKeys:0"] = TestServer.KeyA,
            });
            var filler = Path.Combine(mount, "filler");
            // Leave a little room, then submit until the disk is full.
            await File.WriteAllBytesAsync(filler, new byte[3 * 1024 * 1024 + 512 * 1024]);
            var accepted = new List<string>();
            HttpResponseMessage? refused = null;
            var input = new { blob = new string('x', 16 * 1024) };
            for (var i = 0; i < 2000 && refused is null; i++)
            {
                var response = await server.Client.PostJsonAsync("/api/v1/jobs", new { kind = "echo", input });
                if (response.StatusCode == HttpStatusCode.Accepted)
                {
                    accepted.Add((await response.ReadJsonAsync()).GetProperty("job_id").GetString()!);
                }
                else
                {
                    refused = response;
                }
            }

            Assert.NotNull(refused);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.NotNull(refused.Headers.RetryAfter);
            Assert.Equal("STORE_UNAVAILABLE", (await refused.ReadJsonAsync()).GetProperty("detail").GetProperty("error").GetString());
            Assert.NotEmpty(accepted);

            File.Delete(filler);
            var after = await Eventually.GetAsync(
                () => server.Client.PostJsonAsync("/api/v1/jobs", new { kind = "echo", input = 1 }),
                r => r.StatusCode == HttpStatusCode.Accepted, "a submit to succeed once space is back", TimeSpan.FromSeconds(30));
            var last = (await after.ReadJsonAsync()).GetProperty("job_id").GetString()!;
            foreach (var id in accepted.Append(last))
            {
                await server.Client.WaitForStatusAsync(id, JobStatus.Completed);
            }
        }
        finally
        {
            Run("umount", "-l", mount);
        }
    }
}
