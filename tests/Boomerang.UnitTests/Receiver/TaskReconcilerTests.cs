using System.Net;
using System.Text;
using Boomerang.Client;
using Boomerang.Receiver;
using Boomerang.Receiver.Callbacks;
using Boomerang.Receiver.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Boomerang.UnitTests.Receiver;

/// <summary>The reconciler against a scripted Boomerang and a clock that only moves when told.</summary>
public sealed class TaskReconcilerTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);
    private readonly string _folder = Directory.CreateTempSubdirectory("boomerang-unit-").FullName;
    private readonly ManualClock _time = new(T0);
    private readonly ScriptedBoomerang _boomerang = new();
    private readonly List<TaskCallback> _handled = [];
    private ServiceProvider _services = null!;
    private SqliteTaskStore _store = null!;
    private TaskReconciler _reconciler = null!;

    public async Task InitializeAsync()
    {
        _store = new SqliteTaskStore(Path.Combine(_folder, "tasks.db"));
        await _store.MigrateAsync(default);
        _services = new ServiceCollection().AddSingleton<ICallbackHandler>(new Recorder(_handled)).BuildServiceProvider();
        var processor = new CallbackProcessor(_store, _services.GetRequiredService<IServiceScopeFactory>(),
            Options.Create(new BoomerangReceiverOptions()), _time, NullLogger<CallbackProcessor>.Instance);
        var client = new BoomerangClient(new HttpClient(_boomerang), new BoomerangClientOptions { BaseAddress = new Uri("http://boomerang.test") });
        var tracking = Options.Create(new TaskTrackingOptions { PollAfterSeconds = 30 });
        var tracker = new TaskTracker(_store, client, tracking, _time, NullLogger<TaskTracker>.Instance);
        _reconciler = new TaskReconciler(_store, processor, client, tracker, tracking, _time, NullLogger<TaskReconciler>.Instance);
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    private async Task<TrackedTask> AddTaskAsync(string jobId)
    {
        var task = new TrackedTask(Guid.NewGuid().ToString(), jobId, "k", null, TrackedTaskStatus.Pending, 0, null, null, T0, T0, null);
        await _store.CreateAsync(task, null, default);
        return task;
    }

    [Fact]
    public async Task A_task_is_not_polled_before_poll_after_has_passed()
    {
        await AddTaskAsync("j1");
        _boomerang.Jobs["j1"] = Job("j1", "completed", 100);
        _time.Advance(TimeSpan.FromSeconds(29));

        Assert.Equal(0, await _reconciler.RunOnceAsync(default));
        Assert.Equal(0, _boomerang.Requests);
    }

    [Fact]
    public async Task A_finished_job_settles_its_task_by_polling_and_runs_the_handler_once()
    {
        var task = await AddTaskAsync("j1");
        _boomerang.Jobs["j1"] = Job("j1", "completed", 100, """{"title":"T"}""");
        _time.Advance(TimeSpan.FromSeconds(30));

        await _reconciler.RunOnceAsync(default);
        _time.Advance(TimeSpan.FromSeconds(60));
        var again = await _reconciler.RunOnceAsync(default);

        var stored = (await _store.GetAsync(task.TaskId, default))!;
        Assert.Equal((TrackedTaskStatus.Completed, SettledBy.Polling), (stored.Status, stored.SettledBy));
        Assert.Equal("T", stored.Result!.Value.GetProperty("title").GetString());
        Assert.Equal(0, again);
        var handled = Assert.Single(_handled);
        Assert.Equal((CallbackKind.Completed, CallbackSource.Polling), (handled.Kind, handled.Source));
    }

    [Fact]
    public async Task A_running_job_moves_progress_and_is_polled_again_after_another_interval()
    {
        var task = await AddTaskAsync("j1");
        _boomerang.Jobs["j1"] = Job("j1", "in_progress", 40);
        _time.Advance(TimeSpan.FromSeconds(30));

        await _reconciler.RunOnceAsync(default);
        var soon = await _reconciler.RunOnceAsync(default);
        _time.Advance(TimeSpan.FromSeconds(30));
        var later = await _reconciler.RunOnceAsync(default);

        var stored = (await _store.GetAsync(task.TaskId, default))!;
        Assert.Equal((TrackedTaskStatus.Running, 40), (stored.Status, stored.Progress));
        Assert.Equal((0, 1), (soon, later));
    }

    [Fact]
    public async Task A_job_boomerang_does_not_know_fails_the_task()
    {
        var task = await AddTaskAsync("gone");
        _time.Advance(TimeSpan.FromSeconds(31));

        await _reconciler.RunOnceAsync(default);

        var stored = (await _store.GetAsync(task.TaskId, default))!;
        Assert.Equal(TrackedTaskStatus.Failed, stored.Status);
        Assert.Contains("unknown to Boomerang", stored.Error);
    }

    [Fact]
    public async Task An_unreachable_boomerang_leaves_the_task_open_for_the_next_interval()
    {
        var task = await AddTaskAsync("j1");
        _boomerang.Down = true;
        _time.Advance(TimeSpan.FromSeconds(30));

        await _reconciler.RunOnceAsync(default);
        _boomerang.Down = false;
        _boomerang.Jobs["j1"] = Job("j1", "failed", 10, error: "out of memory");
        _time.Advance(TimeSpan.FromSeconds(30));
        await _reconciler.RunOnceAsync(default);

        var stored = (await _store.GetAsync(task.TaskId, default))!;
        Assert.Equal((TrackedTaskStatus.Failed, "out of memory"), (stored.Status, stored.Error));
    }

    private static string Job(string id, string status, int progress, string result = "null", string? error = null) => $$"""
        {"job_id":"{{id}}","tenant_id":"t","kind":"k","status":"{{status}}","created_at":1,"started_at":2,"finished_at":null,
         "attempt":1,"progress":{{progress}},"result":{{result}},"error":{{(error is null ? "null" : $"\"{error}\"")}},
         "callback_url":null,"callback_status":null,"callback_attempts":null,"callback_http_status":null,
         "callback_finished_at":null,"callback_last_error":null,"callback_next_attempt_at":null}
        """;

    private sealed class ScriptedBoomerang : HttpMessageHandler
    {
        public Dictionary<string, string> Jobs { get; } = [];
        public bool Down { get; set; }
        public int Requests { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests++;
            if (Down)
            {
                throw new HttpRequestException("Connection refused");
            }
            var id = request.RequestUri!.Segments[^1];
            return Task.FromResult(Jobs.TryGetValue(id, out var json)
                ? new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(json, Encoding.UTF8, "application/json") }
                : new HttpResponseMessage(HttpStatusCode.NotFound)
                {
                    Content = new StringContent($$$"""{"detail":{"error":"JOB_NOT_FOUND","job_id":"{{{id}}}"}}""", Encoding.UTF8, "application/json"),
                });
        }
    }

    private sealed class Recorder(List<TaskCallback> handled) : ICallbackHandler
    {
        public Task OnCompletedAsync(TaskCallback callback, CancellationToken cancellationToken) { lock (handled) { handled.Add(callback); } return Task.CompletedTask; }
        public Task OnFailedAsync(TaskCallback callback, CancellationToken cancellationToken) { lock (handled) { handled.Add(callback); } return Task.CompletedTask; }
    }

    private sealed class ManualClock(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset _now = start;
        public override DateTimeOffset GetUtcNow() => _now;
        public void Advance(TimeSpan by) => _now += by;
    }
}
