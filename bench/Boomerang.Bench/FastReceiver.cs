using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Boomerang.Bench;

/// <summary>
/// A receiver that answers 200 at once and notes, per job, the delay from the job's <c>finished_at</c> (in the
/// payload) to the moment the callback arrived: the callback latency.
/// </summary>
internal sealed class FastReceiver : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, double> _latencyMs = new();
    private WebApplication _app = null!;

    public Uri BaseAddress { get; private set; } = null!;
    public int Count => _latencyMs.Count;
    public IReadOnlyCollection<double> LatenciesMs => _latencyMs.Values.ToArray();
    /// <summary>Finish-to-arrival per job id.</summary>
    public IReadOnlyDictionary<string, double> LatencyByJob => _latencyMs;
    public DateTimeOffset? First { get; private set; }
    public DateTimeOffset? Last { get; private set; }

    public static async Task<FastReceiver> StartAsync()
    {
        var receiver = new FastReceiver();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        receiver._app = builder.Build();
        receiver._app.MapPost("/hook", receiver.ReceiveAsync);
        await receiver._app.StartAsync();
        receiver.BaseAddress = new Uri(receiver._app.Services.GetRequiredService<IServer>().Features
            .GetRequiredFeature<IServerAddressesFeature>().Addresses.First());
        await receiver.WarmUpAsync();
        return receiver;
    }

    /// <summary>One callback to itself, forgotten: the receiver stands for the client's running app, so its own first
    /// request (about 0.2 s here, the harness compiling Kestrel's and the endpoint's code) must not count as Boomerang's
    /// finish-to-callback delay.</summary>
    private async Task WarmUpAsync()
    {
        using var http = new HttpClient();
        using var body = new StringContent("""{"job_id":"warm-up","finished_at":0}""", System.Text.Encoding.UTF8, "application/json");
        using var answer = await http.PostAsync(new Uri(BaseAddress, "/hook"), body);
        answer.EnsureSuccessStatusCode();
        Reset();
    }

    private async Task<IResult> ReceiveAsync(HttpRequest request)
    {
        var now = DateTimeOffset.UtcNow;
        using var doc = await JsonDocument.ParseAsync(request.Body);
        var root = doc.RootElement;
        var finished = root.GetProperty("finished_at").GetDouble();
        _latencyMs[root.GetProperty("job_id").GetString()!] = now.ToUnixTimeMilliseconds() - finished * 1000;
        lock (this)
        {
            First ??= now;
            Last = now;
        }
        return Results.Ok();
    }

    /// <summary>Forgets what arrived so far (a warm-up's callbacks).</summary>
    public void Reset()
    {
        lock (this)
        {
            _latencyMs.Clear();
            First = null;
            Last = null;
        }
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
