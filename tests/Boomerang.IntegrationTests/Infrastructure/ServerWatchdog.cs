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
    public static void Start(string dir, string stop) => Run($"""
        while kill -0 {Environment.ProcessId} && [ -d '{dir}' ]; do sleep 1; done
        if [ -d '{dir}' ]; then {stop}; rm -rf '{dir}'; fi
        """);

    /// <summary>The same for a Boomerang server process this process started: killed once this process is gone; the
    /// watch ends when the server does (its command line is checked first, so a reused PID is left alone).</summary>
    public static void KillWithThisProcess(int pid) => Run($"""
        while kill -0 {Environment.ProcessId} && kill -0 {pid}; do sleep 1; done
        if kill -0 {pid} && grep -q Boomerang.Server /proc/{pid}/cmdline; then kill -9 {pid}; fi
        """);

    private static void Run(string watch)
    {
        var script = "exec </dev/null >/dev/null 2>&1\n" + watch;
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
