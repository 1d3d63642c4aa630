using Boomerang.Client;
using Boomerang.Jobs;
using Boomerang.Receiver.Callbacks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Boomerang.Receiver.Tasks;

/// <summary>
/// The polling half of the dual safeguard: a task with no terminal callback <see cref="TaskTrackingOptions.PollAfterSeconds"/>
/// after submission (or after its last poll) is read from Boomerang and settled through the same exactly-once path
/// as a callback, so a lost or blocked callback never leaves a task hanging. A task that never got a job id (the app
/// died before Boomerang answered its submit) is submitted again under the same idempotency key.
/// </summary>
internal sealed partial class TaskReconciler(
    ITaskStore store, CallbackProcessor processor, BoomerangClient client, TaskTracker tracker, IOptions<TaskTrackingOptions> options,
    TimeProvider time, ILogger<TaskReconciler> log) : BackgroundService
{
    private const int BatchSize = 100;
    private static readonly TimeSpan PurgeEvery = TimeSpan.FromHours(1);
    private DateTimeOffset _lastPurge = DateTimeOffset.MinValue;

    private TimeSpan PollAfter => TimeSpan.FromSeconds(options.Value.PollAfterSeconds);

    // Look for due tasks a few times per PollAfter, so a due task waits at most a fifth longer than configured.
    private TimeSpan ScanInterval => TimeSpan.FromSeconds(Math.Clamp(options.Value.PollAfterSeconds / 5, 0.05, 5));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunOnceAsync(stoppingToken).ConfigureAwait(false);
                await Task.Delay(ScanInterval, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogRoundFailed(log, e);
                await Task.Delay(ScanInterval, time, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Polls every task that is due, then forgets old webhook ids once an hour. Returns how many tasks were polled.</summary>
    internal async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        foreach (var unsubmitted in await store.ListUnsubmittedAsync(now - PollAfter, BatchSize, ct).ConfigureAwait(false))
        {
            await store.MarkPolledAsync(unsubmitted.Task.TaskId, now, ct).ConfigureAwait(false);
            try
            {
                await tracker.ResubmitAsync(unsubmitted, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is BoomerangApiException or HttpRequestException || (e is OperationCanceledException && !ct.IsCancellationRequested))
            {
                LogPollFailed(log, unsubmitted.Task.TaskId, e.Message);
            }
        }
        var due = await store.ListDueForPollingAsync(now - PollAfter, BatchSize, ct).ConfigureAwait(false);
        await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = ct },
            async (task, token) => await PollAsync(task, token).ConfigureAwait(false)).ConfigureAwait(false);
        if (now - _lastPurge >= PurgeEvery)
        {
            _lastPurge = now;
            await store.PurgeProcessedWebhooksAsync(now - TimeSpan.FromDays(options.Value.ProcessedWebhookRetentionDays), ct).ConfigureAwait(false);
        }
        return due.Count;
    }

    private async Task PollAsync(TrackedTask task, CancellationToken ct)
    {
        await store.MarkPolledAsync(task.TaskId, time.GetUtcNow(), ct).ConfigureAwait(false);
        TaskEvent? e;
        try
        {
            var job = await client.GetAsync(task.JobId!, ct).ConfigureAwait(false);
            e = EventFor(task, job);
        }
        catch (BoomerangApiException ex) when (ex.StatusCode is System.Net.HttpStatusCode.NotFound or System.Net.HttpStatusCode.Forbidden)
        {
            e = new TaskEvent(CallbackKind.Failed, task.JobId, null, null, $"job {task.JobId} is unknown to Boomerang ({ex.ErrorCode})", null, CallbackSource.Polling);
        }
        catch (Exception ex) when (ex is BoomerangApiException or HttpRequestException || (ex is OperationCanceledException && !ct.IsCancellationRequested))
        {
            LogPollFailed(log, task.TaskId, ex.Message);
            return;
        }
        if (e is not null)
        {
            var outcome = await processor.ApplyAsync(task.TaskId, e, TimeSpan.Zero, ct).ConfigureAwait(false);
            LogPolled(log, task.TaskId, e.Kind, outcome);
        }
    }

    internal static TaskEvent? EventFor(TrackedTask task, JobView job)
    {
        CallbackKind? kind = job.Status switch
        {
            JobStatus.Completed => CallbackKind.Completed,
            JobStatus.Failed => CallbackKind.Failed,
            JobStatus.Canceled => CallbackKind.Canceled,
            JobStatus.InProgress when job.Progress > task.Progress || task.Status == TrackedTaskStatus.Pending => CallbackKind.Progress,
            _ => null,
        };
        return kind is { } k ? new TaskEvent(k, job.JobId, job.Progress, job.Result, job.Error, null, CallbackSource.Polling) : null;
    }

    [LoggerMessage(EventId = 4301, Level = LogLevel.Information, Message = "Polled task {TaskId}: {Kind} {Outcome}")]
    private static partial void LogPolled(ILogger logger, string taskId, CallbackKind kind, ApplyOutcome outcome);

    [LoggerMessage(EventId = 4302, Level = LogLevel.Warning, Message = "Polling task {TaskId} failed: {Reason}")]
    private static partial void LogPollFailed(ILogger logger, string taskId, string reason);

    [LoggerMessage(EventId = 4303, Level = LogLevel.Error, Message = "Reconciler round failed")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception);
}
