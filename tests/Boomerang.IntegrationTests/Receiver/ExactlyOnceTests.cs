using System.Net;
using Boomerang.IntegrationTests.Infrastructure;
using Boomerang.Jobs;
using Boomerang.Receiver;
using Boomerang.Receiver.Tasks;

namespace Boomerang.IntegrationTests.Receiver;

/// <summary>Repeats, races and failures: whatever arrives, each event changes a task once.</summary>
public sealed class ExactlyOnceTests : IAsyncLifetime
{
    private ReceiverApp _app = null!;

    public async Task InitializeAsync() => _app = await ReceiverApp.StartAsync();
    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task The_same_completion_sent_twice_changes_the_task_once()
    {
        var task = await _app.AddTaskAsync();
        var body = CallbackRequests.CompletedBody(Scheme.StandardWebhooks, task.TaskId, task.JobId!);
        var headers = CallbackRequests.Sign(Scheme.StandardWebhooks, body, task.JobId!);

        await _app.Client.PostAsync(task.TaskId, body, headers);
        var afterFirst = await _app.TaskAsync(task.TaskId);
        var second = await _app.Client.PostAsync(task.TaskId, body, headers);

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var afterSecond = await _app.TaskAsync(task.TaskId);
        Assert.Equal((afterFirst.Status, afterFirst.UpdatedAt), (afterSecond.Status, afterSecond.UpdatedAt));
        Assert.Single(_app.Handled.EffectsFor(task.TaskId));
    }

    [Fact]
    public async Task A_second_terminal_event_with_a_new_webhook_id_is_already_processed_once_the_task_is_finished()
    {
        var task = await _app.AddTaskAsync();
        var completed = CallbackRequests.BoomerangBody(task.JobId!, CallbackEvent.Completed, JobStatus.Completed);
        var failed = CallbackRequests.BoomerangBody(task.JobId!, CallbackEvent.Failed, JobStatus.Failed, error: "late");

        await _app.Client.PostAsync(task.TaskId, completed, CallbackRequests.Sign(Scheme.StandardWebhooks, completed, task.JobId!));
        var late = await _app.Client.PostAsync(task.TaskId, failed, CallbackRequests.Sign(Scheme.StandardWebhooks, failed, task.JobId!));

        Assert.Equal("""{"success":true,"message":"Already processed"}""", await late.Content.ReadAsStringAsync());
        Assert.Equal(TrackedTaskStatus.Completed, (await _app.TaskAsync(task.TaskId)).Status);
        Assert.Single(_app.Handled.EffectsFor(task.TaskId));
    }

    [Fact]
    public async Task Duplicates_that_find_the_first_still_in_its_handler_after_the_wait_are_told_to_retry_and_it_applies_once()
    {
        // The first delivery's handler is held until all eight duplicates have waited out their 2 s; on a loaded machine
        // that can take longer than the default 10 s handler timeout, which would (rightly) fail the handler with a 500.
        await using var app = await ReceiverApp.StartAsync(receiver: o => o.HandlerTimeoutSeconds = 120);
        var task = await app.AddTaskAsync();
        var body = CallbackRequests.CompletedBody(Scheme.StandardWebhooks, task.TaskId, task.JobId!);
        var headers = CallbackRequests.Sign(Scheme.StandardWebhooks, body, task.JobId!);
        var entered = new TaskCompletionSource();
        var release = new TaskCompletionSource();
        app.Handled.Before = async (_, ct) =>
        {
            entered.TrySetResult();
            await release.Task.WaitAsync(ct);
        };

        var first = app.Client.PostAsync(task.TaskId, body, headers);
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var duplicates = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => app.Client.PostAsync(task.TaskId, body, headers)));
        release.SetResult();
        var firstResponse = await first;
        var retry = await app.Client.PostAsync(task.TaskId, body, headers);

        Assert.Equal(HttpStatusCode.OK, firstResponse.StatusCode);
        Assert.All(duplicates, d =>
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, d.StatusCode);
            Assert.NotNull(d.Headers.RetryAfter);
        });
        Assert.Equal("""{"success":true,"message":"Already processed"}""", await retry.Content.ReadAsStringAsync());
        Assert.Equal(1, app.Handled.Calls);
        Assert.Single(app.Handled.EffectsFor(task.TaskId));
    }

    [Fact]
    public async Task A_duplicate_that_arrives_while_the_first_is_briefly_in_its_handler_waits_and_is_told_already_processed()
    {
        var task = await _app.AddTaskAsync();
        var body = CallbackRequests.CompletedBody(Scheme.StandardWebhooks, task.TaskId, task.JobId!);
        var headers = CallbackRequests.Sign(Scheme.StandardWebhooks, body, task.JobId!);
        var entered = new TaskCompletionSource();
        var release = new TaskCompletionSource();
        _app.Handled.Before = async (_, ct) =>
        {
            entered.TrySetResult();
            await release.Task.WaitAsync(ct);
        };

        var first = _app.Client.PostAsync(task.TaskId, body, headers);
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var duplicate = _app.Client.PostAsync(task.TaskId, body, headers);
        release.SetResult();

        Assert.Equal("""{"success":true,"message":"Callback processed"}""", await (await first).Content.ReadAsStringAsync());
        Assert.Equal("""{"success":true,"message":"Already processed"}""", await (await duplicate).Content.ReadAsStringAsync());
        Assert.Single(_app.Handled.EffectsFor(task.TaskId));
    }

    [Fact]
    public async Task Many_identical_deliveries_racing_from_the_start_change_the_task_once()
    {
        var task = await _app.AddTaskAsync();
        var body = CallbackRequests.CompletedBody(Scheme.Dedup, task.TaskId, task.JobId!);
        var headers = CallbackRequests.Sign(Scheme.Dedup, body, task.JobId!);

        var responses = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => _app.Client.PostAsync(task.TaskId, body, headers)));

        Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable, $"got {(int)r.StatusCode}"));
        Assert.Equal(1, _app.Handled.Calls);
        Assert.Equal(TrackedTaskStatus.Completed, (await _app.TaskAsync(task.TaskId)).Status);
    }

    [Fact]
    public async Task A_handler_that_throws_answers_500_leaves_the_task_unchanged_and_the_retry_applies_it()
    {
        var task = await _app.AddTaskAsync();
        var body = CallbackRequests.CompletedBody(Scheme.StandardWebhooks, task.TaskId, task.JobId!);
        var headers = CallbackRequests.Sign(Scheme.StandardWebhooks, body, task.JobId!);
        _app.Handled.Before = (_, _) => throw new InvalidOperationException("database down");

        var failed = await _app.Client.PostAsync(task.TaskId, body, headers);
        var afterFailure = await _app.TaskAsync(task.TaskId);
        _app.Handled.Before = null;
        var retried = await _app.Client.PostAsync(task.TaskId, body, headers);

        Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        Assert.DoesNotContain("database down", await failed.Content.ReadAsStringAsync());
        Assert.Equal(TrackedTaskStatus.Pending, afterFailure.Status);
        Assert.Equal("""{"success":true,"message":"Callback processed"}""", await retried.Content.ReadAsStringAsync());
        Assert.Single(_app.Handled.EffectsFor(task.TaskId));
    }

    [Fact]
    public async Task A_handler_that_runs_past_the_timeout_counts_as_failed()
    {
        await using var app = await ReceiverApp.StartAsync(receiver: o => o.HandlerTimeoutSeconds = 0.2);
        var task = await app.AddTaskAsync();
        var body = CallbackRequests.CompletedBody(Scheme.StandardWebhooks, task.TaskId, task.JobId!);
        app.Handled.Before = (_, _) => Task.Delay(Timeout.Infinite, CancellationToken.None);

        var response = await app.Client.PostAsync(task.TaskId, body, CallbackRequests.Sign(Scheme.StandardWebhooks, body, task.JobId!));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal(TrackedTaskStatus.Pending, (await app.TaskAsync(task.TaskId)).Status);
    }

    [Fact]
    public async Task Progress_moves_a_task_forward_only_and_never_reopens_a_finished_one()
    {
        var task = await _app.AddTaskAsync();
        async Task<HttpResponseMessage> ProgressAsync(int percent)
        {
            var body = CallbackRequests.BoomerangBody(task.JobId!, CallbackEvent.Progress, JobStatus.InProgress, percent, null);
            return await _app.Client.PostAsync(task.TaskId, body, CallbackRequests.Sign(Scheme.StandardWebhooks, body, task.JobId!));
        }

        await ProgressAsync(40);
        var at40 = await _app.TaskAsync(task.TaskId);
        var backwards = await ProgressAsync(20);
        var afterBackwards = await _app.TaskAsync(task.TaskId);
        var done = CallbackRequests.CompletedBody(Scheme.StandardWebhooks, task.TaskId, task.JobId!);
        await _app.Client.PostAsync(task.TaskId, done, CallbackRequests.Sign(Scheme.StandardWebhooks, done, task.JobId!));
        var late = await ProgressAsync(90);

        Assert.Equal((TrackedTaskStatus.Running, 40), (at40.Status, at40.Progress));
        Assert.Equal(HttpStatusCode.OK, backwards.StatusCode);
        Assert.Equal(40, afterBackwards.Progress);
        Assert.Equal("""{"success":true,"message":"Already processed"}""", await late.Content.ReadAsStringAsync());
        var final = await _app.TaskAsync(task.TaskId);
        Assert.Equal((TrackedTaskStatus.Completed, 100), (final.Status, final.Progress));
        Assert.Equal([CallbackKind.Progress, CallbackKind.Completed], _app.Handled.EffectsFor(task.TaskId).Select(e => e.Kind));
    }

    [Fact]
    public async Task Contenthub_events_fail_a_task_with_its_error()
    {
        var task = await _app.AddTaskAsync();
        var body = CallbackRequests.ContentHubBody(task.TaskId, "failed");

        await _app.Client.PostAsync(task.TaskId, body, CallbackRequests.Sign(Scheme.ContentHub, body, task.JobId!));

        var stored = await _app.TaskAsync(task.TaskId);
        Assert.Equal((TrackedTaskStatus.Failed, "boom"), (stored.Status, stored.Error));
    }

    [Fact]
    public async Task Processed_webhook_ids_survive_a_restart_of_the_app()
    {
        var folder = new TempFolder();
        try
        {
            string taskId;
            byte[] body;
            Dictionary<string, string> headers;
            await using (var before = await ReceiverApp.StartAsync(folder: folder))
            {
                var progress = await before.AddTaskAsync();
                taskId = progress.TaskId;
                body = CallbackRequests.BoomerangBody(progress.JobId!, CallbackEvent.Progress, JobStatus.InProgress, 50, null);
                headers = CallbackRequests.Sign(Scheme.StandardWebhooks, body, progress.JobId!);
                Assert.Equal(HttpStatusCode.OK, (await before.Client.PostAsync(taskId, body, headers)).StatusCode);
            }
            await using var after = await ReceiverApp.StartAsync(folder: folder);

            var replay = await after.Client.PostAsync(taskId, body, headers);

            Assert.Equal("""{"success":true,"message":"Already processed"}""", await replay.Content.ReadAsStringAsync());
            Assert.Empty(after.Handled.Effects);
        }
        finally
        {
            folder.Dispose();
        }
    }

    [Fact]
    public async Task A_callback_that_arrives_before_the_job_id_is_recorded_is_told_to_retry()
    {
        var now = DateTimeOffset.UtcNow;
        var task = new TrackedTask(Guid.NewGuid().ToString(), null, "echo", null, TrackedTaskStatus.Pending, 0, null, null, now, now, null);
        await _app.Store.CreateAsync(task, null, default);
        var body = CallbackRequests.CompletedBody(Scheme.StandardWebhooks, task.TaskId, "job-x");

        var early = await _app.Client.PostAsync(task.TaskId, body, CallbackRequests.Sign(Scheme.StandardWebhooks, body, "job-x"));
        await _app.Store.AttachJobAsync(task.TaskId, "job-x", now, default);
        var retried = await _app.Client.PostAsync(task.TaskId, body, CallbackRequests.Sign(Scheme.StandardWebhooks, body, "job-x"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, early.StatusCode);
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        Assert.Equal(TrackedTaskStatus.Completed, (await _app.TaskAsync(task.TaskId)).Status);
    }
}
