using System.Text.Json;

namespace Boomerang.Receiver;

/// <summary>One event for a tracked task, as handed to <see cref="ICallbackHandler"/>.</summary>
/// <param name="TaskId">The app's task id.</param>
/// <param name="JobId">The Boomerang job id, when the sender named it.</param>
/// <param name="Kind">What happened.</param>
/// <param name="Status">The task's status once this event is applied (see <c>TrackedTaskStatus</c>).</param>
/// <param name="Progress">The task's progress once this event is applied, 0..100.</param>
/// <param name="Result">The job's result (completed only).</param>
/// <param name="Error">The job's error (failed only).</param>
/// <param name="WebhookId">The delivery's id: the <c>webhook-id</c> header, or one derived from job and event; null when polled.</param>
/// <param name="Source">Whether a callback or the reconciler's poll brought the event.</param>
public sealed record TaskCallback(
    string TaskId,
    string? JobId,
    CallbackKind Kind,
    string Status,
    int Progress,
    JsonElement? Result,
    string? Error,
    string? WebhookId,
    CallbackSource Source);

/// <summary>The events a task can receive.</summary>
public enum CallbackKind
{
    /// <summary>Boomerang <c>job.completed</c>, ContentHub <c>completed</c>.</summary>
    Completed,
    /// <summary>Boomerang <c>job.failed</c>, ContentHub <c>failed</c>.</summary>
    Failed,
    /// <summary>Boomerang <c>job.canceled</c>.</summary>
    Canceled,
    /// <summary>Boomerang <c>job.progress</c>, ContentHub <c>progress</c>.</summary>
    Progress,
}

/// <summary>What brought an event.</summary>
public enum CallbackSource
{
    /// <summary>A verified HTTP callback.</summary>
    Callback,
    /// <summary>The reconciler polled the job because no terminal callback had arrived in time.</summary>
    Polling,
}
