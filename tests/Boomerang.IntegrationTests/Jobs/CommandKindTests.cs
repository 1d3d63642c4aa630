using Boomerang.IntegrationTests.Infrastructure;
using Boomerang.Jobs;

namespace Boomerang.IntegrationTests.Jobs;

/// <summary>Command kinds run real programs (bash scripts written per test).</summary>
public sealed class CommandKindTests : IAsyncLifetime
{
    private readonly TempFolder _scripts = new();
    private TestServer _server = null!;

    public async Task InitializeAsync()
    {
        var settings = new Dictionary<string, string>();
        void Command(string kind, string body, double? timeout = null)
        {
            var path = Path.Combine(_scripts.Path, kind + ".sh");
            File.WriteAllText(path, "#!/bin/bash\n" + body + "\n");
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            settings[$"Boomerang:Jobs:Commands:{kind}:Path"] = path;
            settings[$"Boomerang:Jobs:Commands:{kind}:Args:0"] = "fixed-arg";
            settings[$"Boomerang:Jobs:Commands:{kind}:Env:GREETING"] = "hi";
            if (timeout is { } t)
            {
                settings[$"Boomerang:Jobs:Commands:{kind}:TimeoutSeconds"] = t.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
        }
        Command("json", """
            input=$(cat)
            echo "progress: 40"
            echo "progress: 80" >&2
            printf '{"input": %s, "arg": "%s", "greeting": "%s"}\n' "$input" "$1" "$GREETING"
            """);
        Command("text", "cat > /dev/null; echo hello from a program");
        Command("broken", "echo 'some noise'; echo 'disk on fire' >&2; exit 3");
        Command("silent-exit", "exit 4");
        Command("slow", "echo 'progress: 50'; sleep 300 & echo $! > \"$(dirname \"$0\")/child.pid\"; wait");
        Command("too-slow", "sleep 300", timeout: 0.5);
        _server = await TestServer.StartAsync(settings);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _scripts.Dispose();
    }

    [Fact]
    public async Task Json_on_stdout_becomes_the_result_and_progress_lines_are_not_part_of_it()
    {
        var job = await _server.Client.SubmitAsync(new { kind = "json", input = new { topic = "owls" } });
        var done = await _server.Client.WaitForStatusAsync(job.JobId, JobStatus.Completed, JobStatus.Failed);

        Assert.Equal(JobStatus.Completed, done.Status);
        Assert.Equal("owls", done.Result!.Value.GetProperty("input").GetProperty("topic").GetString());
        Assert.Equal("fixed-arg", done.Result.Value.GetProperty("arg").GetString());
        Assert.Equal("hi", done.Result.Value.GetProperty("greeting").GetString());
    }

    [Fact]
    public async Task Text_on_stdout_becomes_a_stdout_field()
    {
        var job = await _server.Client.SubmitAsync(new { kind = "text", input = 1 });
        var done = await _server.Client.WaitForStatusAsync(job.JobId, JobStatus.Completed, JobStatus.Failed);
        Assert.Equal("hello from a program", done.Result!.Value.GetProperty("stdout").GetString());
    }

    [Fact]
    public async Task A_nonzero_exit_fails_the_job_with_the_tail_of_stderr()
    {
        var job = await _server.Client.SubmitAsync(new { kind = "broken" });
        var silent = await _server.Client.SubmitAsync(new { kind = "silent-exit" });

        var done = await _server.Client.WaitForStatusAsync(job.JobId, JobStatus.Completed, JobStatus.Failed);
        var doneSilent = await _server.Client.WaitForStatusAsync(silent.JobId, JobStatus.Completed, JobStatus.Failed);

        Assert.Equal(JobStatus.Failed, done.Status);
        Assert.Equal("disk on fire", done.Error);
        Assert.Equal("exited with code 4", doneSilent.Error);
    }

    [Fact]
    public async Task Progress_lines_set_progress_and_cancel_kills_the_whole_process_tree()
    {
        var job = await _server.Client.SubmitAsync(new { kind = "slow" });
        await Eventually.GetAsync(() => _server.Client.GetJobAsync(job.JobId), j => j.Progress == 50, "progress 50");
        var pidFile = Path.Combine(_scripts.Path, "child.pid");
        await Eventually.WaitAsync(() => Task.FromResult(File.Exists(pidFile) && File.ReadAllText(pidFile).Trim().Length > 0), "the child pid");
        var childPid = int.Parse(File.ReadAllText(pidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture);

        await _server.Client.PostAsync($"/api/v1/jobs/{job.JobId}/cancel", null);

        var done = await _server.Client.WaitForStatusAsync(job.JobId, JobStatus.Canceled, JobStatus.Failed, JobStatus.Completed);
        Assert.Equal(JobStatus.Canceled, done.Status);
        await Eventually.WaitAsync(() => Task.FromResult(IsGone(childPid)), $"grandchild process {childPid} to be killed");
    }

    [Fact]
    public async Task A_command_over_its_timeout_is_killed_and_fails_with_timeout_after_n_s()
    {
        var job = await _server.Client.SubmitAsync(new { kind = "too-slow" });
        var done = await _server.Client.WaitForStatusAsync(job.JobId, JobStatus.Completed, JobStatus.Failed);
        Assert.Equal("timeout after 0.5s", done.Error);
    }

    /// <summary>Gone, or a zombie waiting for a reaper: either way no longer running.</summary>
    private static bool IsGone(int pid)
    {
        var stat = $"/proc/{pid}/stat";
        if (!File.Exists(stat))
        {
            return true;
        }
        try
        {
            var text = File.ReadAllText(stat);
            return text[(text.LastIndexOf(')') + 2)..].StartsWith('Z');
        }
        catch (IOException)
        {
            return true;
        }
    }
}
