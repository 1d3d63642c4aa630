using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Boomerang.Bench;

/// <summary>The Release build of the server as its own process, on a fresh SQLite file in a temp folder.</summary>
internal sealed class ServerUnderTest : IAsyncDisposable
{
    public const string Key = "bench-key";
    private readonly Process _process;
    private readonly bool _ownsFolder;

    private ServerUnderTest(Process process, string folder, bool ownsFolder, Uri baseAddress)
    {
        _process = process;
        Folder = folder;
        _ownsFolder = ownsFolder;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }
    public string Folder { get; }

    /// <summary>The CPU time the server's process has used so far (user and system), in seconds.</summary>
    public double CpuSeconds()
    {
        _process.Refresh();
        return _process.TotalProcessorTime.TotalSeconds;
    }

    /// <summary>The server's resident set now and its peak so far (VmRSS, VmHWM from /proc), in MiB; null off Linux.</summary>
    public (double Now, double Peak)? MemoryMiB()
    {
        try
        {
            var lines = File.ReadAllLines($"/proc/{_process.Id}/status");
            double Field(string name) => double.Parse(lines.First(l => l.StartsWith(name, StringComparison.Ordinal))
                .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) / 1024;
            return (Field("VmRSS:"), Field("VmHWM:"));
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Starts the server; on <paramref name="folder"/> (its SQLite file) when given, else on a new temp folder it deletes.</summary>
    public static async Task<ServerUnderTest> StartAsync(string repoRoot, IReadOnlyDictionary<string, string> settings, string? folder = null)
    {
        // BOOMERANG_BENCH_SERVER names another build of the server (an A/B against a copy of an older build).
        var dll = Environment.GetEnvironmentVariable("BOOMERANG_BENCH_SERVER") is { Length: > 0 } other
            ? other : Path.Combine(repoRoot, "src/Boomerang.Server/bin/Release/net10.0/Boomerang.Server.dll");
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException("build the server first: dotnet build -c Release src/Boomerang.Server", dll);
        }
        var ownsFolder = folder is null;
        folder ??= Directory.CreateTempSubdirectory("boomerang-bench-").FullName;
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = folder, UseShellExecute = false, RedirectStandardOutput = true };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add($"--urls=http://127.0.0.1:{port}");
        start.ArgumentList.Add($"--Boomerang:Auth:ApiKeys:0={Key}");
        start.ArgumentList.Add("--Logging:LogLevel:Default=Warning");
        foreach (var (key, value) in settings)
        {
            start.ArgumentList.Add($"--{key}={value}");
        }
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        var server = new ServerUnderTest(process, folder, ownsFolder, new Uri($"http://127.0.0.1:{port}"));
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                if ((await http.GetAsync("/readyz")).IsSuccessStatusCode)
                {
                    return server;
                }
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
            }
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException("server did not start");
            }
            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
        if (_ownsFolder)
        {
            Directory.Delete(Folder, recursive: true);
        }
    }
}
