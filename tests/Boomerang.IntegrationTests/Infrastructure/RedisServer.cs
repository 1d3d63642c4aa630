using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;

namespace Boomerang.IntegrationTests.Infrastructure;

/// <summary>
/// A throw-away <c>redis-server</c> in a temp folder on a free loopback port, AOF on with <c>appendfsync always</c>,
/// which a test may kill -9 and start again (same port, same data). Needs Debian's redis-server package
/// (scripts/test.sh installs it).
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly string _dir;
    private Process? _process;

    private RedisServer(string dir, int port)
    {
        _dir = dir;
        Port = port;
    }

    public int Port { get; }
    public string Configuration => $"127.0.0.1:{Port}";
    private string PidFile => Path.Combine(_dir, "redis.pid");

    /// <summary>A new server; <paramref name="appendOnly"/> false with no save points is a Redis that keeps nothing.</summary>
    public static async Task<RedisServer> StartNewAsync(string appendFsync = "always", bool appendOnly = true)
    {
        var server = new RedisServer(Directory.CreateTempSubdirectory("boomerang-redistest-").FullName, FreePorts.Next());
        ServerWatchdog.Start(server._dir, $"kill -9 $(cat '{server.PidFile}')");
        File.WriteAllText(Path.Combine(server._dir, "redis.conf"), $"""
            bind 127.0.0.1
            port {server.Port}
            dir {server._dir}
            appendonly {(appendOnly ? "yes" : "no")}
            appendfsync {appendFsync}
            save ""
            daemonize no
            pidfile {server.PidFile}
            logfile {Path.Combine(server._dir, "redis.log")}
            """);
        await server.StartAsync();
        return server;
    }

    public async Task StartAsync()
    {
        var start = new ProcessStartInfo(FindBinary()) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(_dir, "redis.conf"));
        _process = Process.Start(start)!;
        await Eventually.WaitAsync(async () =>
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"redis-server exited with {_process.ExitCode}: {File.ReadAllText(Path.Combine(_dir, "redis.log"))}");
            }
            try
            {
                await using var c = await ConnectionMultiplexer.ConnectAsync($"{Configuration},connectTimeout=1000");
                return (await c.GetDatabase().PingAsync()) >= TimeSpan.Zero;
            }
            catch (Exception e) when (e is RedisConnectionException or RedisServerException)
            {
                // Not listening yet, or still loading its AOF.
                return false;
            }
        }, "redis-server to accept connections", TimeSpan.FromSeconds(30));
    }

    /// <summary>kill -9: no shutdown save, no flush beyond what appendfsync already did.</summary>
    public void Kill9()
    {
        _process?.Kill();
        _process?.WaitForExit();
        // A kill -9 leaves the pid file behind; the watchdog must not kill whatever process gets that PID next.
        File.Delete(PidFile);
    }

    public async ValueTask DisposeAsync()
    {
        Kill9();
        _process?.Dispose();
        await Task.Yield();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private static string FindBinary() =>
        new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server" }.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("redis-server not found: install the redis-server package or set BOOMERANG_TEST_REDIS");
}

/// <summary>
/// The Redis the tests share: <c>BOOMERANG_TEST_REDIS</c> (a StackExchange.Redis configuration string) when set
/// (scripts/test.sh sets it), else a throw-away server started on first use. Each test uses a key prefix of its own.
/// </summary>
public static class TestRedis
{
    public const string Variable = "BOOMERANG_TEST_REDIS";
    private static readonly Lazy<Task<string>> Server = new(StartAsync);

    public static Task<string> ConfigurationAsync() => Server.Value;

    public static string NewPrefix() => "t" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>Server settings that put a Boomerang process on this Redis and prefix.</summary>
    public static Dictionary<string, string> Settings(string configuration, string prefix) => new()
    {
        ["Boomerang:Storage:Provider"] = "redis",
        ["Boomerang:Storage:Redis:Configuration"] = configuration,
        ["Boomerang:Storage:Redis:KeyPrefix"] = prefix,
    };

    private static async Task<string> StartAsync()
    {
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } configured)
        {
            return configured;
        }
        var server = await RedisServer.StartNewAsync();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return server.Configuration;
    }
}
