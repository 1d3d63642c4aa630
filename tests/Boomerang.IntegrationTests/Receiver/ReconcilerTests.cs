using Boomerang.IntegrationTests.Infrastructure;
using Boomerang.Receiver;
using Boomerang.Receiver.Tasks;

namespace Boomerang.IntegrationTests.Receiver;

/// <summary>The polling half of the dual safeguard, against the real Boomerang server.</summary>
public sealed class ReconcilerTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();
    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_task_whose_callback_never_comes_is_settled_by_polling()
    {
        await using var app = await ReceiverApp.StartAsync(_server.BaseAddress, tasks: o => o.PollAfterSeconds = 0.5);
        using var input = System.Text.Json.JsonDocument.Parse("""{"topic":"polling"}""");

        var task = await app.Tracker.SubmitAsync("echo", input.RootElement);
        var settled = await Eventually.GetAsync(() => app.TaskAsync(task.TaskId), t => t.IsFinished, "the task to settle");

        Assert.Null(task.CallbackUrl);
        Assert.Equal(TrackedTaskStatus.Completed, settled.Status);
        Assert.Equal(SettledBy.Polling, settled.SettledBy);
        Assert.Equal("polling", settled.Result!.Value.GetProperty("topic").GetString());
        var effect = Assert.Single(app.Handled.EffectsFor(task.TaskId), e => e.Kind == CallbackKind.Completed);
        Assert.Equal(CallbackSource.Polling, effect.Source);
    }

    [Fact]
    public async Task A_job_that_fails_on_the_server_fails_the_task_through_polling()
    {
        await using var app = await ReceiverApp.StartAsync(_server.BaseAddress, tasks: o => o.PollAfterSeconds = 0.5);
        using var input = System.Text.Json.JsonDocument.Parse("""{"seconds":"not a number"}""");

        var task = await app.Tracker.SubmitAsync("sleep", input.RootElement);
        var settled = await Eventually.GetAsync(() => app.TaskAsync(task.TaskId), t => t.IsFinished, "the task to settle");

        Assert.Equal(TrackedTaskStatus.Failed, settled.Status);
        Assert.False(string.IsNullOrEmpty(settled.Error));
    }

    [Fact]
    public async Task A_task_recorded_but_never_submitted_is_submitted_by_the_reconciler_and_completes()
    {
        await using var app = await ReceiverApp.StartAsync(_server.BaseAddress, tasks: o => o.PollAfterSeconds = 0.5);
        // What an app that died between recording the task and Boomerang's answer leaves behind.
        var now = DateTimeOffset.UtcNow;
        var orphan = new TrackedTask(Guid.NewGuid().ToString(), null, "echo", null, TrackedTaskStatus.Pending, 0, null, null, now, now, null);
        await app.Store.CreateAsync(orphan, """{"topic":"orphan"}""", default);

        var settled = await Eventually.GetAsync(() => app.TaskAsync(orphan.TaskId), t => t.IsFinished, "the orphaned task to settle");

        Assert.Equal(TrackedTaskStatus.Completed, settled.Status);
        Assert.NotNull(settled.JobId);
        Assert.Equal("orphan", settled.Result!.Value.GetProperty("topic").GetString());
        // The same request again under the task id as idempotency key: one job, however many times it is resubmitted.
        var again = await _server.Client.PostJsonAsync("/api/v1/jobs", new { kind = "echo", input = new { topic = "orphan" }, idempotency_key = orphan.TaskId });
        Assert.Equal(System.Net.HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(settled.JobId, (await again.ReadJsonAsync()).GetProperty("job_id").GetString());
    }

    [Fact]
    public async Task A_refused_submission_is_recorded_as_a_failed_task_and_rethrown()
    {
        await using var app = await ReceiverApp.StartAsync(_server.BaseAddress);

        var error = await Assert.ThrowsAsync<Boomerang.Client.BoomerangApiException>(() => app.Tracker.SubmitAsync("no-such-kind", null));

        Assert.Equal("UNKNOWN_JOB_KIND", error.ErrorCode);
        var task = Assert.Single(await app.Tracker.ListAsync());
        Assert.Equal((TrackedTaskStatus.Failed, SettledBy.Submit), (task.Status, task.SettledBy));
    }
}
