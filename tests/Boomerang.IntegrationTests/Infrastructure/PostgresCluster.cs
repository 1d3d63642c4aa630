using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Boomerang.IntegrationTests.Infrastructure;

/// <summary>
/// A throw-away PostgreSQL cluster in a temp folder on a free loopback port, which a test may stop and start again
/// (same port, same data). Needs Debian's postgresql package (scripts/test.sh installs it); as root, the server runs
/// as the postgres user because initdb refuses root.
/// </summary>
public sealed class PostgresCluster : IAsyncDisposable
{
    private readonly string _bin;
    private readonly string _dir;

    private PostgresCluster(string bin, string dir, int port)
    {
        _bin = bin;
        _dir = dir;
        Port = port;
    }

    public int Port { get; }
    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Timeout=5";

    public static string? FindBin() => Directory.Exists("/usr/lib/postgresql")
        ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin"))
            .Where(b => File.Exists(Path.Combine(b, "initdb")))
            .OrderByDescending(b => int.TryParse(Path.GetFileName(Path.GetDirectoryName(b)), out var v) ? v : 0).FirstOrDefault()
        : null;

    public static async Task<PostgresCluster> StartNewAsync()
    {
        var bin = FindBin() ?? throw new InvalidOperationException(
            "PostgreSQL binaries not found under /usr/lib/postgresql: install the postgresql package or set BOOMERANG_TEST_POSTGRES");
        var dir = Directory.CreateTempSubdirectory("boomerang-pgtest-").FullName;
        ServerWatchdog.Start(dir, (Environment.UserName == "root" ? "runuser -u postgres -- " : "")
            + $"'{Path.Combine(bin, "pg_ctl")}' -D '{Path.Combine(dir, "data")}' -m immediate -w stop");
        File.SetUnixFileMode(dir, (UnixFileMode)0b111_101_101);
        Directory.CreateDirectory(Path.Combine(dir, "sock"));
        if (Environment.UserName == "root")
        {
            await RunAsync("chown", "-R", "postgres:postgres", dir);
        }
        var port = FreePorts.Next();
        var cluster = new PostgresCluster(bin, dir, port);
        await cluster.AsServerAsync("initdb", "-D", cluster.Data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync");
        await File.AppendAllTextAsync(Path.Combine(cluster.Data, "postgresql.conf"), $"""

            listen_addresses = '127.0.0.1'
            port = {port}
            unix_socket_directories = '{Path.Combine(dir, "sock")}'
            max_connections = 200
            fsync = off
            """);
        await cluster.StartAsync();
        return cluster;
    }

    private string Data => Path.Combine(_dir, "data");

    public Task StartAsync() => AsServerAsync("pg_ctl", "-D", Data, "-l", Path.Combine(_dir, "log"), "-w", "-t", "60", "start");

    /// <summary>Fast shutdown: sessions are terminated, as in a restart or failover.</summary>
    public Task StopAsync() => AsServerAsync("pg_ctl", "-D", Data, "-m", "fast", "-w", "stop");

    public async ValueTask DisposeAsync()
    {
        try { await AsServerAsync("pg_ctl", "-D", Data, "-m", "immediate", "-w", "stop"); } catch (InvalidOperationException) { }
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private Task AsServerAsync(string tool, params string[] args) => Environment.UserName == "root"
        ? RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(_bin, tool), .. args])
        : RunAsync(Path.Combine(_bin, tool), args);

    private static async Task RunAsync(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {process.ExitCode}: {await stderr}{await stdout}");
        }
    }
}
