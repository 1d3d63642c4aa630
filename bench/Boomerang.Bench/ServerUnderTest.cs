using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Boomerang.Bench;

/// <summary>The Release build of the server as its own process, on a fresh SQLite file in a temp folder.</summary>
internal sealed class ServerUnderTest : IAsyncDisposable
{
    public const string Key = "bench-key";
    private readonly Process _process;
    private readonly string _folder;

    private ServerUnderTest(Process process, string folder, Uri baseAddress)
    {
        _process = process;
        _folder = folder;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public static async Task<ServerUnderTest> StartAsync(string repoRoot, IReadOnlyDictionary<string, string> settings)
    {
        var dll = Path.Combine(repoRoot, "src/Boomerang.Server/bin/Release/net10.0/Boomerang.Server.dll");
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException("build the server first: dotnet build -c Release src/Boomerang.Server", dll);
        }
        var folder = Directory.CreateTempSubdirectory("boomerang-bench-").FullName;
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
        var server = new ServerUnderTest(process, folder, new Uri($"http://127.0.0.1:{port}"));
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
        Directory.Delete(_folder, recursive: true);
    }
}
