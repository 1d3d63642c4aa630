namespace Boomerang.Jobs;

/// <summary>The states a job moves through, spelled as they appear on the wire.</summary>
public static class JobStatus
{
    /// <summary>Accepted and waiting for a worker.</summary>
    public const string Pending = "pending";
    /// <summary>Claimed by a worker that holds its lease.</summary>
    public const string InProgress = "in_progress";
    /// <summary>The handler returned a result.</summary>
    public const string Completed = "completed";
    /// <summary>The handler failed, timed out, or the job ran out of attempts.</summary>
    public const string Failed = "failed";
    /// <summary>Canceled by its owner.</summary>
    public const string Canceled = "canceled";

    /// <summary>Every status, in the order the API lists them.</summary>
    public static readonly IReadOnlyList<string> All = [Pending, InProgress, Completed, Failed, Canceled];

    /// <summary>True for completed, failed and canceled.</summary>
    public static bool IsFinished(string status) => status is Completed or Failed or Canceled;
}

/// <summary>The states of a job's callback delivery, as the job record shows them.</summary>
public static class CallbackStatus
{
    /// <summary>Waiting to be delivered, or between attempts.</summary>
    public const string Pending = "pending";
    /// <summary>The receiver answered 2xx.</summary>
    public const string Success = "success";
    /// <summary>Attempts ran out, or the receiver answered with a status that is not retried.</summary>
    public const string Failed = "failed";
    /// <summary>No callback will be sent (for example, the job was canceled before it started).</summary>
    public const string Skipped = "skipped";
}
