using System.Collections.Concurrent;
using Boomerang.Client;
using Boomerang.Receiver;
using Boomerang.Receiver.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Boomerang.IntegrationTests.Infrastructure;

/// <summary>
/// A real app using the receiving kit: Kestrel on 127.0.0.1, a SQLite file in a temp folder, the callback endpoint at
/// the default path and a handler that records what it was given.
/// </summary>
public sealed class ReceiverApp : IAsyncDisposable
{
    public const string StandardSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    public const string PlainSecret = "contenthub-test-secret";
    public const string OldPlainSecret = "contenthub-old-secret";

    private readonly bool _ownsFolder;

    private ReceiverApp(WebApplication app, TempFolder folder, bool ownsFolder, Uri baseAddress)
    {
        App = app;
        Folder = folder;
        _ownsFolder = ownsFolder;
        BaseAddress = baseAddress;
        Client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public WebApplication App { get; }
    public TempFolder Folder { get; }
    public Uri BaseAddress { get; }
    public HttpClient Client { get; }
    public HandlerLog Handled => App.Services.GetRequiredService<HandlerLog>();
    public ITaskStore Store => App.Services.GetRequiredService<ITaskStore>();
    public TaskTracker Tracker => App.Services.GetRequiredService<TaskTracker>();

    public static async Task<ReceiverApp> StartAsync(
        Uri? boomerang = null,
        Action<BoomerangReceiverOptions>? receiver = null,
        Action<TaskTrackingOptions>? tasks = null,
        TempFolder? folder = null,
        Action<BoomerangClientOptions>? client = null)
    {
        var ownsFolder = folder is null;
        folder ??= new TempFolder();
        var builder = WebApplication.CreateBuilder(["--urls=http://127.0.0.1:0"]);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton<HandlerLog>();
        builder.Services.AddBoomerangClient(o =>
        {
            o.BaseAddress = boomerang ?? new Uri("http://127.0.0.1:9");
            o.ApiKey = TestServer.KeyA;
            client?.Invoke(o);
        });
        builder.Services.AddBoomerangReceiver<RecordingHandler>(
            o =>
            {
                o.Secrets = [StandardSecret, PlainSecret, OldPlainSecret];
                o.RequireSignature = true;
                receiver?.Invoke(o);
            },
            o =>
            {
                o.DatabasePath = Path.Combine(folder.Path, "tasks.db");
                // Long enough that the reconciler stays out of tests that don't ask for it.
                o.PollAfterSeconds = 3600;
                tasks?.Invoke(o);
            });
        var app = builder.Build();
        app.MapBoomerangCallback();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new ReceiverApp(app, folder, ownsFolder, new Uri(address));
    }

    /// <summary>Records a task as the tracker would after a successful submit.</summary>
    public async Task<TrackedTask> AddTaskAsync(string? jobId = null, string? taskId = null)
    {
        var now = DateTimeOffset.UtcNow;
        var task = new TrackedTask(taskId ?? Guid.NewGuid().ToString(), jobId ?? Guid.NewGuid().ToString(), "echo", null,
            TrackedTaskStatus.Pending, 0, null, null, now, now, null);
        await Store.CreateAsync(task, null, default);
        return task;
    }

    public async Task<TrackedTask> TaskAsync(string taskId) => (await Store.GetAsync(taskId, default))!;

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        if (_ownsFolder)
        {
            Folder.Dispose();
        }
    }
}

/// <summary>What the app's handler completed, and a hook to make it fail or wait.</summary>
public sealed class HandlerLog
{
    private readonly ConcurrentQueue<TaskCallback> _effects = new();
    private int _calls;

    /// <summary>Runs before an effect is recorded; throw to fail the handler.</summary>
    public Func<TaskCallback, CancellationToken, Task>? Before { get; set; }

    public int Calls => Volatile.Read(ref _calls);
    public IReadOnlyList<TaskCallback> Effects => [.. _effects];
    public IReadOnlyList<TaskCallback> EffectsFor(string taskId) => [.. _effects.Where(e => e.TaskId == taskId)];

    internal async Task RecordAsync(TaskCallback callback, CancellationToken ct)
    {
        Interlocked.Increment(ref _calls);
        if (Before is { } before)
        {
            await before(callback, ct);
        }
        _effects.Enqueue(callback);
    }
}

internal sealed class RecordingHandler(HandlerLog log) : ICallbackHandler
{
    public Task OnCompletedAsync(TaskCallback callback, CancellationToken cancellationToken) => log.RecordAsync(callback, cancellationToken);
    public Task OnFailedAsync(TaskCallback callback, CancellationToken cancellationToken) => log.RecordAsync(callback, cancellationToken);
    public Task OnProgressAsync(TaskCallback callback, CancellationToken cancellationToken) => log.RecordAsync(callback, cancellationToken);
    public Task OnCanceledAsync(TaskCallback callback, CancellationToken cancellationToken) => log.RecordAsync(callback, cancellationToken);
}
