using System.Text.Json;

namespace Boomerang.Receiver.Tasks;

/// <summary>
/// Where tracked tasks and the record of processed webhooks live: the app's database, so that "already processed"
/// survives restarts and is shared by every instance of the app. Changes to a task happen under a claim (a lease on
/// the task row) so that one event at a time is applied to it, whichever instance or path (callback, polling) brings it.
/// </summary>
public interface ITaskStore
{
    /// <summary>Creates or upgrades the schema.</summary>
    Task MigrateAsync(CancellationToken cancellationToken);

    /// <summary>Records a new task.</summary>
    Task CreateAsync(TrackedTask task, string? jobInput, CancellationToken cancellationToken);

    /// <summary>Records the job that runs the task, once the server accepted it.</summary>
    Task AttachJobAsync(string taskId, string jobId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>The task, or null.</summary>
    Task<TrackedTask?> GetAsync(string taskId, CancellationToken cancellationToken);

    /// <summary>Tasks newest first, optionally only those in <paramref name="status"/>.</summary>
    Task<IReadOnlyList<TrackedTask>> ListAsync(string? status, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Takes the task's lease so the caller may apply one event. Answers <see cref="ClaimOutcome.AlreadyProcessed"/>
    /// when <paramref name="webhookId"/> was processed before or the task is finished, <see cref="ClaimOutcome.Busy"/>
    /// while another claim's lease runs.
    /// </summary>
    Task<TaskClaim> TryClaimAsync(string taskId, string? webhookId, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>
    /// In one transaction: applies <paramref name="update"/>, records <paramref name="webhookId"/> as processed and
    /// releases the claim. False when the claim had been lost (its lease ran out and someone else took it).
    /// </summary>
    Task<bool> CompleteClaimAsync(TaskClaim claim, TaskUpdate update, string? webhookId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Releases a claim without changing the task (the event was not applied).</summary>
    Task ReleaseClaimAsync(TaskClaim claim, CancellationToken cancellationToken);

    /// <summary>Open tasks with a job whose last poll (or creation, if never polled) is at or before <paramref name="cutoff"/>, oldest first.</summary>
    Task<IReadOnlyList<TrackedTask>> ListDueForPollingAsync(DateTimeOffset cutoff, int limit, CancellationToken cancellationToken);

    /// <summary>Open tasks that never got a job id (the app died between recording and submitting, or before Boomerang's
    /// answer) and were created or last tried before <paramref name="cutoff"/>, with the job input they were recorded with.</summary>
    Task<IReadOnlyList<UnsubmittedTask>> ListUnsubmittedAsync(DateTimeOffset cutoff, int limit, CancellationToken cancellationToken);

    /// <summary>Notes that the task was just polled.</summary>
    Task MarkPolledAsync(string taskId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Forgets processed webhook ids recorded before <paramref name="before"/>; returns how many.</summary>
    Task<int> PurgeProcessedWebhooksAsync(DateTimeOffset before, CancellationToken cancellationToken);
}

/// <summary>The answer to <see cref="ITaskStore.TryClaimAsync"/>.</summary>
/// <param name="Outcome">Whether the claim was taken.</param>
/// <param name="Task">The task as it was when claimed (also set for AlreadyProcessed and Busy).</param>
/// <param name="Token">Identifies the claim; pass the whole claim back to complete or release it.</param>
public sealed record TaskClaim(ClaimOutcome Outcome, TrackedTask? Task, string? Token);

/// <summary>Whether a claim was taken.</summary>
public enum ClaimOutcome
{
    /// <summary>The caller holds the task's lease.</summary>
    Claimed,
    /// <summary>No such task.</summary>
    NotFound,
    /// <summary>The webhook id was processed before, or the task is finished.</summary>
    AlreadyProcessed,
    /// <summary>Another claim's lease is running; try again later.</summary>
    Busy,
}

/// <summary>The new state of a task.</summary>
public sealed record TaskUpdate(string Status, int Progress, JsonElement? Result, string? Error, string? SettledBy);

/// <summary>A task without a job id, and the job input (JSON text, or null) to submit it with again.</summary>
public sealed record UnsubmittedTask(TrackedTask Task, string? JobInput);
