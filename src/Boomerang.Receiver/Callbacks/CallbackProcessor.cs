using System.Text.Json;
using Boomerang.Receiver.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Boomerang.Receiver.Callbacks;

/// <summary>An event to apply to a task, from a callback or from polling.</summary>
internal sealed record TaskEvent(CallbackKind Kind, string? JobId, int? Progress, JsonElement? Result, string? Error, string? WebhookId, CallbackSource Source);

internal enum ApplyOutcome
{
    Processed,
    AlreadyProcessed,
    NotFound,
    /// <summary>Another event for the task is being applied right now; the sender should retry.</summary>
    Busy,
    /// <summary>The task's job id is not recorded yet (the submit answer is still on its way); the sender should retry.</summary>
    NotReady,
    /// <summary>The event names a different job than the task's.</summary>
    WrongJob,
    HandlerFailed,
}

/// <summary>
/// Applies events to tasks exactly once: claim the task (which also answers "already processed"), run the app's
/// handler, then record the new state and the webhook id in one transaction. A failing handler releases the claim
/// and changes nothing, so a retry can apply the event.
/// </summary>
internal sealed partial class CallbackProcessor(
    ITaskStore store, IServiceScopeFactory scopes, IOptions<BoomerangReceiverOptions> options, TimeProvider time,
    ILogger<CallbackProcessor> log)
{
    private static readonly TimeSpan BusyPoll = TimeSpan.FromMilliseconds(25);

    // Longer than the handler may run, so a live claim is never taken over; short enough that a crash heals soon.
    private TimeSpan Lease => HandlerTimeout + TimeSpan.FromSeconds(30);
    private TimeSpan HandlerTimeout => TimeSpan.FromSeconds(options.Value.HandlerTimeoutSeconds);

    /// <param name="taskId">The task the event is for.</param>
    /// <param name="e">The event.</param>
    /// <param name="waitIfBusy">How long to wait for another event's claim on the task to end before answering Busy.
    /// Senders deliver progress and completion concurrently; waiting briefly saves them a retry (and its backoff).</param>
    /// <param name="stopping">The host's stopping token.</param>
    public async Task<ApplyOutcome> ApplyAsync(string taskId, TaskEvent e, TimeSpan waitIfBusy, CancellationToken stopping)
    {
        var deadline = time.GetUtcNow() + waitIfBusy;
        var claim = await store.TryClaimAsync(taskId, e.WebhookId, time.GetUtcNow(), Lease, stopping).ConfigureAwait(false);
        while (claim.Outcome == ClaimOutcome.Busy && time.GetUtcNow() < deadline)
        {
            await Task.Delay(BusyPoll, time, stopping).ConfigureAwait(false);
            claim = await store.TryClaimAsync(taskId, e.WebhookId, time.GetUtcNow(), Lease, stopping).ConfigureAwait(false);
        }
        switch (claim.Outcome)
        {
            case ClaimOutcome.NotFound: return ApplyOutcome.NotFound;
            case ClaimOutcome.AlreadyProcessed: return ApplyOutcome.AlreadyProcessed;
            case ClaimOutcome.Busy: return ApplyOutcome.Busy;
        }
        var task = claim.Task!;
        var refusal = e.JobId is null ? (ApplyOutcome?)null
            : task.JobId is null ? ApplyOutcome.NotReady
            : task.JobId != e.JobId ? ApplyOutcome.WrongJob
            : null;
        var update = refusal is null ? Next(task, e) : null;
        if (update is null)
        {
            await store.ReleaseClaimAsync(claim, CancellationToken.None).ConfigureAwait(false);
            return refusal ?? ApplyOutcome.AlreadyProcessed;
        }

        var callback = new TaskCallback(task.TaskId, e.JobId ?? task.JobId, e.Kind, update.Status, update.Progress,
            update.Result, update.Error, e.WebhookId, e.Source);
        try
        {
            await InvokeHandlerAsync(callback, stopping).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            LogHandlerFailed(log, taskId, e.Kind, ex);
            await store.ReleaseClaimAsync(claim, CancellationToken.None).ConfigureAwait(false);
            return ApplyOutcome.HandlerFailed;
        }
        if (!await store.CompleteClaimAsync(claim, update, e.WebhookId, time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false))
        {
            LogClaimLost(log, taskId, e.Kind);
            return ApplyOutcome.Busy;
        }
        return ApplyOutcome.Processed;
    }

    /// <summary>The task's next state, or null when the event would not move it forward (stale progress).</summary>
    internal static TaskUpdate? Next(TrackedTask task, TaskEvent e)
    {
        var settledBy = e.Source == CallbackSource.Polling ? SettledBy.Polling : SettledBy.Callback;
        switch (e.Kind)
        {
            case CallbackKind.Completed:
                return new TaskUpdate(TrackedTaskStatus.Completed, 100, e.Result, null, settledBy);
            case CallbackKind.Failed:
                return new TaskUpdate(TrackedTaskStatus.Failed, task.Progress, null, e.Error ?? "the job failed", settledBy);
            case CallbackKind.Canceled:
                return new TaskUpdate(TrackedTaskStatus.Canceled, task.Progress, null, e.Error, settledBy);
            default:
                var progress = Math.Max(task.Progress, e.Progress ?? 0);
                return progress == task.Progress && task.Status == TrackedTaskStatus.Running
                    ? null
                    : new TaskUpdate(TrackedTaskStatus.Running, progress, null, null, null);
        }
    }

    private async Task InvokeHandlerAsync(TaskCallback callback, CancellationToken stopping)
    {
        await using var scope = scopes.CreateAsyncScope();
        if (scope.ServiceProvider.GetService<ICallbackHandler>() is not { } handler)
        {
            return;
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        timeout.CancelAfter(HandlerTimeout);
        var ct = timeout.Token;
        var run = callback.Kind switch
        {
            CallbackKind.Completed => handler.OnCompletedAsync(callback, ct),
            CallbackKind.Failed => handler.OnFailedAsync(callback, ct),
            CallbackKind.Canceled => handler.OnCanceledAsync(callback, ct),
            _ => handler.OnProgressAsync(callback, ct),
        };
        // A handler that ignores its token still may not hold the claim past the timeout.
        await run.WaitAsync(HandlerTimeout, time, stopping).ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 4101, Level = LogLevel.Error, Message = "Callback handler failed for task {TaskId} ({Kind}); the event was not applied")]
    private static partial void LogHandlerFailed(ILogger logger, string taskId, CallbackKind kind, Exception exception);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Warning, Message = "Claim on task {TaskId} ({Kind}) ran out before the event was recorded")]
    private static partial void LogClaimLost(ILogger logger, string taskId, CallbackKind kind);
}
