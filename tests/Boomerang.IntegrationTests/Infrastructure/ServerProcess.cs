using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Boomerang.IntegrationTests.Infrastructure;

/// <summary>
/// The real server as a child process (<c>dotnet Boomerang.Server.dll</c>) on a free loopback port, for what only a
/// separate process shows: kill -9, restarts, start-up failures, what is printed to the console.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();

    private ServerProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
        process.OutputDataReceived += (_, e) => { lock (_stdout) { _stdout.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (_stderr) { _stderr.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Uri BaseAddress { get; }
    public string Stdout { get { lock (_stdout) { return _stdout.ToString(); } } }
    public string Stderr { get { lock (_stderr) { return _stderr.ToString(); } } }
    public bool HasExited => _process.HasExited;

    /// <summary>The process's resident memory now (VmRSS from /proc).</summary>
    public long ResidentBytes()
    {
        var line = File.ReadLines($"/proc/{_process.Id}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
    }

    /// <param name="logLevel">the default log level passed on the command line; null keeps the shipped appsettings.json levels</param>
    public static ServerProcess Start(string workingDirectory, IDictionary<string, string>? settings = null,
        IDictionary<string, string>? environment = null, string? logLevel = "Warning", IEnumerable<string>? args = null)
    {
        var port = FreePorts.Next();
        var server = Path.Combine(AppContext.BaseDirectory, "Boomerang.Server.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(server);
        start.ArgumentList.Add($"--urls=http://127.0.0.1:{port}");
        if (logLevel is not null)
        {
            start.ArgumentList.Add($"--Logging:LogLevel:Default={logLevel}");
        }
        foreach (var arg in args ?? [])
        {
            start.ArgumentList.Add(arg);
        }
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            start.ArgumentList.Add($"--{key}={value}");
        }
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("Boomerang__", StringComparison.Ordinal)
            || k.StartsWith("DEDUP2D_", StringComparison.Ordinal) || k is "API_KEYS" or "API_KEY" or "BOOMERANG_POSTGRES" or "ADMIN_TOKEN").ToList())
        {
            start.Environment.Remove(name);
        }
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }
        var process = Process.Start(start)!;
        ServerWatchdog.KillWithThisProcess(process.Id);
        return new ServerProcess(process, new Uri($"http://127.0.0.1:{port}"));
    }

    public static async Task<ServerProcess> StartReadyAsync(string workingDirectory, IDictionary<string, string>? settings = null,
        IDictionary<string, string>? environment = null, string? logLevel = "Warning")
    {
        var server = Start(workingDirectory, settings, environment, logLevel);
        await server.WaitReadyAsync();
        return server;
    }

    public async Task WaitReadyAsync()
    {
        using var probe = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        await Eventually.WaitAsync(async () =>
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"server exited with {_process.ExitCode}: {Stderr}");
            }
            // Our own process's word that it holds the port: another server that took the port first would answer the
            // probe too, while this one fails to bind.
            if (!Stdout.Contains($"Now listening on: {BaseAddress.GetLeftPart(UriPartial.Authority)}{Environment.NewLine}", StringComparison.Ordinal))
            {
                return false;
            }
            try
            {
                return (await probe.GetAsync("/readyz")).StatusCode == HttpStatusCode.OK;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet, or too slow to answer on a loaded machine: ask again until the deadline.
                return false;
            }
        }, "the server process to become ready", TimeSpan.FromSeconds(30));
    }

    public HttpClient CreateClient(string? apiKey = TestServer.KeyA)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Add("X-API-Key", apiKey);
        }
        return client;
    }

    /// <summary>SIGKILL: no shutdown code runs.</summary>
    public void Kill9()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
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
            Kill9();
        }
        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>What every lease this server's worker holds contains: its owner is <c>{machine}/{pid}/{id}</c>
    /// (JobWorker), so a store's lease_owner that contains this is this process's.</summary>
    public string LeaseOwnerPart => $"/{_process.Id}/";

    /// <summary>The port this process was told to listen on.</summary>
    public int Port => BaseAddress.Port;
}
