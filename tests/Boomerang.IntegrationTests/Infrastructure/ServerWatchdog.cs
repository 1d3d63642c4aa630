using System.Diagnostics;

namespace Boomerang.IntegrationTests.Infrastructure;

/// <summary>
/// Stops a throw-away server and deletes its folder once this test process is gone, however it ended. ProcessExit
/// handlers do not run, or are cut short, when the test host is killed (dotnet test kills it soon after the run,
/// Ctrl-C, a crash), and the server would be left running on its port with its data.
/// </summary>
public static class ServerWatchdog
{
    /// <summary>
    /// A shell that polls this process's PID every second; once it has gone, runs <paramref name="stop"/> (a shell
    /// command) and deletes <paramref name="dir"/>. It exits with nothing to do when the folder is deleted first, as
    /// the server's DisposeAsync does. It runs in a session of its own, outside this process's tree, so Ctrl-C and a
    /// kill of the test host's process tree do not reach it.
    /// </summary>
    public static void Start(string dir, string stop)
    {
        var script = $"""
            exec </dev/null >/dev/null 2>&1
            while kill -0 {Environment.ProcessId} && [ -d '{dir}' ]; do sleep 1; done
            if [ -d '{dir}' ]; then {stop}; rm -rf '{dir}'; fi
            """;
        var start = new ProcessStartInfo("setsid", ["--fork", "bash", "-c", script])
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // Pipes of its own rather than the test host's output, which dotnet test reads until nothing holds it open.
        // setsid --fork returns at once; the shell it started carries on alone.
        using var process = Process.Start(start)!;
        process.WaitForExit();
    }
}
