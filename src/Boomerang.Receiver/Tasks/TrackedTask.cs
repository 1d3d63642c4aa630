using System.Text.Json;

namespace Boomerang.Receiver.Tasks;

/// <summary>A unit of work the app submitted to Boomerang, as the app's own database records it.</summary>
/// <param name="TaskId">The app's id for the task; it is in the callback URL and is the job's idempotency key.</param>
/// <param name="JobId">The Boomerang job running it; null until the server has accepted the job.</param>
/// <param name="Kind">The Boomerang job kind.</param>
/// <param name="CallbackUrl">Where Boomerang was asked to POST the outcome; null when callbacks are off.</param>
/// <param name="Status">One of <see cref="TrackedTaskStatus"/>.</param>
/// <param name="Progress">0..100; never goes down.</param>
/// <param name="Result">The job's result once completed.</param>
/// <param name="Error">Why the job failed.</param>
/// <param name="CreatedAt">When the task was recorded.</param>
/// <param name="UpdatedAt">When it last changed.</param>
/// <param name="SettledBy">How it reached its final state: <c>callback</c>, <c>polling</c> or <c>submit</c> (the submission failed); null while open.</param>
public sealed record TrackedTask(
    string TaskId,
    string? JobId,
    string Kind,
    string? CallbackUrl,
    string Status,
    int Progress,
    JsonElement? Result,
    string? Error,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    string? SettledBy)
{
    /// <summary>True once completed, failed or canceled.</summary>
    public bool IsFinished => TrackedTaskStatus.IsFinished(Status);
}

/// <summary>The states of a <see cref="TrackedTask"/>, spelled as stored and shown.</summary>
public static class TrackedTaskStatus
{
    /// <summary>Submitted; no sign of it running yet.</summary>
    public const string Pending = "pending";
    /// <summary>Boomerang reported it running or making progress.</summary>
    public const string Running = "running";
    /// <summary>Finished with a result.</summary>
    public const string Completed = "completed";
    /// <summary>Finished with an error.</summary>
    public const string Failed = "failed";
    /// <summary>Canceled before it finished.</summary>
    public const string Canceled = "canceled";

    /// <summary>Every status.</summary>
    public static readonly IReadOnlyList<string> All = [Pending, Running, Completed, Failed, Canceled];

    /// <summary>True for completed, failed and canceled.</summary>
    public static bool IsFinished(string status) => status is Completed or Failed or Canceled;
}

/// <summary>How a task reached its final state.</summary>
public static class SettledBy
{
    /// <summary>A verified callback from Boomerang.</summary>
    public const string Callback = "callback";
    /// <summary>The reconciler polled Boomerang because no terminal callback had arrived.</summary>
    public const string Polling = "polling";
    /// <summary>Submitting the job failed.</summary>
    public const string Submit = "submit";
}
