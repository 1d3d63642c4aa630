namespace Boomerang.Receiver;

/// <summary>
/// The app's reaction to a task's events, resolved from DI in a scope per event. Each method runs at most once per
/// event that changes a task: repeats of a delivery, and a terminal event for a task that is already finished, never
/// reach it. Throwing (or running past the handler timeout) leaves the task unchanged and answers the callback with
/// 500, so the sender retries.
/// </summary>
/// <remarks>
/// A process that dies inside a handler leaves the event unapplied; the retry (or the reconciler) runs the handler
/// again. Make side effects outside the task store idempotent by <see cref="TaskCallback.TaskId"/> if a repeat
/// after a crash would hurt.
/// </remarks>
public interface ICallbackHandler
{
    /// <summary>The job completed; <see cref="TaskCallback.Result"/> holds its result.</summary>
    Task OnCompletedAsync(TaskCallback callback, CancellationToken cancellationToken);

    /// <summary>The job failed; <see cref="TaskCallback.Error"/> says why.</summary>
    Task OnFailedAsync(TaskCallback callback, CancellationToken cancellationToken);

    /// <summary>The job reported progress (only progress that moves the task forward arrives here).</summary>
    Task OnProgressAsync(TaskCallback callback, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The job was canceled.</summary>
    Task OnCanceledAsync(TaskCallback callback, CancellationToken cancellationToken) => Task.CompletedTask;
}
