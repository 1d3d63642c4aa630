using System.Net.Http.Json;
using Boomerang.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Boomerang.IntegrationTests.Infrastructure;

/// <summary>
/// The real server in this process: Kestrel on 127.0.0.1 with a free port, a fresh SQLite file in a temp folder,
/// and two tenants' keys. Settings are passed as command-line arguments, exactly as a user would.
/// </summary>
public sealed class TestServer : IAsyncDisposable
{
    public const string KeyA = "test-key-tenant-a";
    public const string KeyB = "test-key-tenant-b";

    private TestServer(WebApplication app, TempFolder folder, Uri baseAddress)
    {
        App = app;
        Folder = folder;
        BaseAddress = baseAddress;
        Client = CreateClient(KeyA);
    }

    public WebApplication App { get; }
    public TempFolder Folder { get; }
    public Uri BaseAddress { get; }
    /// <summary>An HTTP client with tenant A's key.</summary>
    public HttpClient Client { get; }
    public IServiceProvider Services => App.Services;

    public static async Task<TestServer> StartAsync(
        IDictionary<string, string>? settings = null, Action<IServiceCollection>? services = null, TempFolder? folder = null)
    {
        folder ??= new TempFolder();
        var all = new Dictionary<string, string>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["Boomerang:Storage:Sqlite:Path"] = Path.Combine(folder.Path, "boomerang.db"),
            ["Boomerang:Auth:ApiKeys:0"] = KeyA,
            ["Boomerang:Auth:ApiKeys:1"] = KeyB,
            ["Boomerang:Jobs:PollIntervalSeconds"] = "0.2",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            all[key] = value;
        }
        var args = all.Select(kv => $"--{kv.Key}={kv.Value}").ToArray();
        var app = BoomerangServer.Build(args, b => services?.Invoke(b.Services));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new TestServer(app, folder, new Uri(address));
    }

    public HttpClient CreateClient(string? apiKey)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Add("X-API-Key", apiKey);
        }
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        Folder.Dispose();
    }
}

/// <summary>A temp folder removed at the end of the test.</summary>
public class TempFolder : IDisposable
{
    public TempFolder() => Path = Directory.CreateTempSubdirectory("boomerang-test-").FullName;
    protected TempFolder(string path) => Path = path;

    public string Path { get; }

    public virtual void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

/// <summary>The same folder for a server that restarts on it; the owner deletes it.</summary>
public sealed class TempFolderView(TempFolder owner) : TempFolder(owner.Path)
{
    public override void Dispose() { }
}
