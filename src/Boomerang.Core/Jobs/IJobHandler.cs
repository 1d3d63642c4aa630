using System.Text.Json;

namespace Boomerang.Jobs;

/// <summary>
/// Runs jobs of one kind. Register an implementation under a kind name
/// (<c>services.AddJobHandler&lt;T&gt;("kind")</c> on the server); the worker calls it once per attempt.
/// </summary>
public interface IJobHandler
{
    /// <summary>
    /// Runs the job and returns its result (any JSON value, or null). Throwing fails the job with the
    /// exception's message. <paramref name="cancellationToken"/> fires when the job is canceled, times out,
    /// or the server shuts down; honour it.
    /// </summary>
    Task<JsonElement?> RunAsync(JobContext context, CancellationToken cancellationToken);
}

/// <summary>What a handler knows about the job it runs.</summary>
public sealed class JobContext(
    string jobId, string tenantId, string kind, JsonElement input, int attempt,
    Func<int, CancellationToken, Task> reportProgress)
{
    /// <summary>The job's id.</summary>
    public string JobId { get; } = jobId;
    /// <summary>The tenant that submitted the job.</summary>
    public string TenantId { get; } = tenantId;
    /// <summary>The job kind this handler was registered under.</summary>
    public string Kind { get; } = kind;
    /// <summary>The job's input as submitted.</summary>
    public JsonElement Input { get; } = input;
    /// <summary>1 for the first run; higher when a job is run again after its worker died.</summary>
    public int Attempt { get; } = attempt;

    /// <summary>Records progress (clamped to 0..100); visible on the job and sent as <c>job.progress</c> when asked for.</summary>
    public Task ReportProgressAsync(int percent, CancellationToken cancellationToken = default) =>
        reportProgress(Math.Clamp(percent, 0, 100), cancellationToken);
}
