using System.Diagnostics;
using System.Text;

namespace Boomerang.IntegrationTests.Infrastructure;

/// <summary>What one run of the CLI printed and returned.</summary>
public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\nstdout: {Stdout}\nstderr: {Stderr}";
}

/// <summary>
/// The real <c>boomerang</c> tool as a child process (<c>dotnet boomerang.dll</c>), with a clean environment: no
/// inherited <c>BOOMERANG_*</c> variables, and HOME in a temp folder so no user config file is read.
/// </summary>
public sealed class CliProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly SemaphoreSlim _lines = new(0);

    private CliProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (_stdout) { _stdout.AppendLine(e.Data); } _lines.Release(); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (_stderr) { _stderr.AppendLine(e.Data); } _lines.Release(); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Stdout { get { lock (_stdout) { return _stdout.ToString(); } } }
    public string Stderr { get { lock (_stderr) { return _stderr.ToString(); } } }

    public static CliProcess Start(string home, IEnumerable<string> args, IDictionary<string, string>? environment = null, string? stdin = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = home,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "boomerang.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("BOOMERANG_", StringComparison.Ordinal) || k == "XDG_CONFIG_HOME").ToList())
        {
            start.Environment.Remove(name);
        }
        start.Environment["HOME"] = home;
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }
        var process = new CliProcess(Process.Start(start)!);
        if (stdin is not null)
        {
            process._process.StandardInput.Write(stdin);
        }
        process._process.StandardInput.Close();
        return process;
    }

    /// <summary>Runs the tool to its end (60 s at most) and returns what it printed.</summary>
    public static async Task<CliResult> RunAsync(string home, IEnumerable<string> args, IDictionary<string, string>? environment = null,
        string? stdin = null)
    {
        await using var cli = Start(home, args, environment, stdin);
        var exit = await cli.WaitForExitAsync(TimeSpan.FromSeconds(60));
        return new CliResult(exit, cli.Stdout, cli.Stderr);
    }

    /// <summary>Waits until stdout or stderr holds <paramref name="text"/>; an event per line, with a deadline.</summary>
    public async Task WaitForOutputAsync(string text, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (!Stdout.Contains(text, StringComparison.Ordinal) && !Stderr.Contains(text, StringComparison.Ordinal))
        {
            var left = deadline - DateTime.UtcNow;
            if (_process.HasExited || left <= TimeSpan.Zero || !await _lines.WaitAsync(left))
            {
                if (Stdout.Contains(text, StringComparison.Ordinal) || Stderr.Contains(text, StringComparison.Ordinal))
                {
                    return;
                }
                throw new TimeoutException($"the CLI never printed '{text}' (exited: {_process.HasExited})\nstdout: {Stdout}\nstderr: {Stderr}");
            }
        }
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        _process.WaitForExit(); // flush redirected output
        return _process.ExitCode;
    }

    public ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
        _process.Dispose();
        return ValueTask.CompletedTask;
    }
}
