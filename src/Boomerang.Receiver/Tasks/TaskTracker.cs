using System.Text.Json;
using Boomerang.Client;
using Boomerang.Jobs;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Boomerang.Receiver.Tasks;

/// <summary>
/// Submits the app's tasks to Boomerang and records them: the task is stored first (so its callback can never
/// arrive for an unknown task), then submitted with the task id as idempotency key and, when callbacks are enabled,
/// the callback URL <c>{CallbackBaseUrl}{CallbackPath}</c>; then the job id is recorded.
/// </summary>
public sealed partial class TaskTracker
{
    private readonly ITaskStore _store;
    private readonly BoomerangClient _client;
    private readonly TaskTrackingOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<TaskTracker> _log;

    /// <summary>Creates the tracker; normally resolved from DI after <c>AddBoomerangReceiver</c>.</summary>
    public TaskTracker(ITaskStore store, BoomerangClient client, IOptions<TaskTrackingOptions> options, TimeProvider time, ILogger<TaskTracker> log)
    {
        ArgumentNullException.ThrowIfNull(options);
        (_store, _client, _options, _time, _log) = (store, client, options.Value, time, log);
    }

    /// <summary>
    /// Records a task and submits its job. When Boomerang refuses it (a 4xx other than 429), the task is recorded as
    /// failed (settled by <c>submit</c>) and the <see cref="BoomerangApiException"/> is rethrown. When the outcome is
    /// unknown (a timeout, a connection error, a 5xx or 429), the task is returned still pending without a job id: the
    /// reconciler submits it again under the same idempotency key, so the job is created once whether or not the first
    /// submit arrived.
    /// </summary>
    public async Task<TrackedTask> SubmitAsync(string kind, JsonElement? input, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(kind);
        var now = _time.GetUtcNow();
        var taskId = Guid.CreateVersion7().ToString();
        var callbackUrl = _options.CallbacksEnabled ? _options.CallbackUrlFor(taskId) : null;
        var task = new TrackedTask(taskId, null, kind, callbackUrl, TrackedTaskStatus.Pending, 0, null, null, now, now, null);
        await _store.CreateAsync(task, input?.GetRawText(), cancellationToken).ConfigureAwait(false);
        try
        {
            var jobId = await SubmitJobAsync(task, input, cancellationToken).ConfigureAwait(false);
            return task with { JobId = jobId };
        }
        catch (BoomerangApiException e) when (IsRefusal(e))
        {
            LogSubmitFailed(_log, taskId, e.Message);
            await FailAsync(taskId, $"submission to Boomerang failed: {e.Message}").ConfigureAwait(false);
            throw;
        }
        catch (Exception e) when (e is BoomerangApiException or HttpRequestException
            || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            LogSubmitUnconfirmed(_log, taskId, e.Message);
            return task;
        }
    }

    private static bool IsRefusal(BoomerangApiException e) => (int)e.StatusCode is >= 400 and < 500 and not 429;

    /// <summary>
    /// Submits a task that never got a job id (the app died before Boomerang answered). The task id is the idempotency
    /// key, so Boomerang answers with the job it already has, or creates it if the first submit never arrived.
    /// A refusal (4xx other than 429) fails the task; anything else is tried again on a later round.
    /// </summary>
    internal async Task ResubmitAsync(UnsubmittedTask unsubmitted, CancellationToken cancellationToken)
    {
        using var input = unsubmitted.JobInput is null ? null : JsonDocument.Parse(unsubmitted.JobInput);
        try
        {
            await SubmitJobAsync(unsubmitted.Task, input?.RootElement, cancellationToken).ConfigureAwait(false);
        }
        catch (BoomerangApiException e) when (IsRefusal(e))
        {
            LogSubmitFailed(_log, unsubmitted.Task.TaskId, e.Message);
            await FailAsync(unsubmitted.Task.TaskId, $"submission to Boomerang failed: {e.Message}").ConfigureAwait(false);
        }
    }

    private async Task<string> SubmitJobAsync(TrackedTask task, JsonElement? input, CancellationToken cancellationToken)
    {
        var events = task.CallbackUrl is not null && _options.RequestProgressEvents ? new[] { CallbackEvent.Progress } : null;
        var job = await _client.SubmitAsync(new SubmitJobRequest(task.Kind, input, task.CallbackUrl, task.TaskId, events), cancellationToken)
            .ConfigureAwait(false);
        await _store.AttachJobAsync(task.TaskId, job.JobId, _time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
        LogSubmitted(_log, task.TaskId, job.JobId, task.CallbackUrl is not null);
        return job.JobId;
    }

    /// <summary>The task, or null.</summary>
    public Task<TrackedTask?> GetAsync(string taskId, CancellationToken cancellationToken = default) => _store.GetAsync(taskId, cancellationToken);

    /// <summary>Tasks newest first, optionally only those in <paramref name="status"/> (see <see cref="TrackedTaskStatus"/>).</summary>
    public Task<IReadOnlyList<TrackedTask>> ListAsync(string? status = null, int limit = 50, CancellationToken cancellationToken = default) =>
        _store.ListAsync(status, limit, cancellationToken);

    private async Task FailAsync(string taskId, string error)
    {
        var claim = await _store.TryClaimAsync(taskId, null, _time.GetUtcNow(), TimeSpan.FromSeconds(30), CancellationToken.None).ConfigureAwait(false);
        if (claim.Outcome == ClaimOutcome.Claimed)
        {
            var update = new TaskUpdate(TrackedTaskStatus.Failed, 0, null, error, SettledBy.Submit);
            await _store.CompleteClaimAsync(claim, update, null, _time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
        }
    }

    [LoggerMessage(EventId = 4201, Level = LogLevel.Information, Message = "Task {TaskId} submitted as job {JobId} (callback: {WithCallback})")]
    private static partial void LogSubmitted(ILogger logger, string taskId, string jobId, bool withCallback);

    [LoggerMessage(EventId = 4203, Level = LogLevel.Warning, Message = "Task {TaskId}: Boomerang did not confirm the submit ({Reason}); it stays pending and is submitted again")]
    private static partial void LogSubmitUnconfirmed(ILogger logger, string taskId, string reason);

    [LoggerMessage(EventId = 4202, Level = LogLevel.Warning, Message = "Task {TaskId} could not be submitted: {Reason}")]
    private static partial void LogSubmitFailed(ILogger logger, string taskId, string reason);
}
