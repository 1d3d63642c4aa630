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

namespace Boomerang.IntegrationTests.Infrastructure;

/// <summary>One request as the receiver saw it: raw body bytes, headers, arrival time.</summary>
public sealed record ReceivedCallback(string Path, byte[] Body, IReadOnlyDictionary<string, string> Headers, DateTimeOffset At)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;
    public string Header(string name) => Headers.TryGetValue(name.ToLowerInvariant(), out var v) ? v : "";
}

/// <summary>What the receiver answers with; a script is consumed one response per request, the last one repeats.</summary>
public sealed record ScriptedResponse(int Status = 200, TimeSpan? Delay = null, string? RetryAfter = null, string? Location = null, string Body = "ok");

/// <summary>A real HTTP receiver on 127.0.0.1 with a free port, recording every request it gets.</summary>
public sealed class CallbackReceiver : IAsyncDisposable
{
    private readonly ConcurrentQueue<ReceivedCallback> _received = new();
    private readonly object _scriptLock = new();
    private readonly SemaphoreSlim _arrived = new(0);
    private List<ScriptedResponse> _script = [new()];
    private WebApplication _app = null!;
    private int _inFlight;
    private int _maxInFlight;

    /// <summary>The most requests this receiver was answering at one time.</summary>
    public int MaxInFlight => Volatile.Read(ref _maxInFlight);

    public Uri BaseAddress { get; private set; } = null!;
    public IReadOnlyList<ReceivedCallback> Received => _received.ToArray();
    public string Url(string path = "/hook") => new Uri(BaseAddress, path).ToString();

    public static async Task<CallbackReceiver> StartAsync(params ScriptedResponse[] script)
    {
        var receiver = new CallbackReceiver();
        if (script.Length > 0)
        {
            receiver.Respond(script);
        }
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        receiver._app = builder.Build();
        receiver._app.Run(receiver.RecordAsync);
        await receiver._app.StartAsync();
        receiver.BaseAddress = new Uri(receiver._app.Services.GetRequiredService<IServer>().Features
            .GetRequiredFeature<IServerAddressesFeature>().Addresses.First());
        return receiver;
    }

    public void Respond(params ScriptedResponse[] script)
    {
        lock (_scriptLock)
        {
            _script = [.. script];
        }
    }

    private async Task RecordAsync(HttpContext http)
    {
        var now = Interlocked.Increment(ref _inFlight);
        for (var max = Volatile.Read(ref _maxInFlight); now > max; max = Volatile.Read(ref _maxInFlight))
        {
            Interlocked.CompareExchange(ref _maxInFlight, now, max);
        }
        try
        {
            await AnswerAsync(http);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private async Task AnswerAsync(HttpContext http)
    {
        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer);
        var headers = http.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString());
        ScriptedResponse response;
        lock (_scriptLock)
        {
            response = _script[0];
            if (_script.Count > 1)
            {
                _script.RemoveAt(0);
            }
        }
        _received.Enqueue(new ReceivedCallback(http.Request.Path, buffer.ToArray(), headers, DateTimeOffset.UtcNow));
        _arrived.Release();
        if (response.Delay is { } delay)
        {
            try { await Task.Delay(delay, http.RequestAborted); } catch (OperationCanceledException) { return; }
        }
        http.Response.StatusCode = response.Status;
        if (response.RetryAfter is not null) { http.Response.Headers.RetryAfter = response.RetryAfter; }
        if (response.Location is not null) { http.Response.Headers.Location = response.Location; }
        await http.Response.WriteAsync(response.Body);
    }

    /// <summary>Waits until at least <paramref name="count"/> requests arrived (an event per arrival, with a deadline).</summary>
    public async Task<IReadOnlyList<ReceivedCallback>> WaitForAsync(int count, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (_received.Count < count)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || !await _arrived.WaitAsync(left))
            {
                throw new TimeoutException($"receiver got {_received.Count} of {count} callbacks");
            }
        }
        return Received;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
