using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Boomerang.Jobs;
using Boomerang.Server.Background;
using Boomerang.Server.Metrics;
using Boomerang.Server.Storage;
using Microsoft.Extensions.Options;

namespace Boomerang.Server.Jobs;

/// <summary>
/// Claims jobs under a lease, runs up to <c>Concurrency</c> of them, keeps their leases alive, and rescues jobs
/// whose worker died. On shutdown it stops claiming, lets running jobs finish within the grace period and hands
/// the rest back.
/// </summary>
internal sealed partial class JobWorker(
    IJobStore store, JobHandlers handlers, JobSignals signals, DeliveryHandOff handOff, IOptions<JobsOptions> options,
    IServiceScopeFactory scopes, TimeProvider time, ILogger<JobWorker> log, BoomerangMetrics metrics) : BackgroundService
{
    private readonly string _owner = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";
    private readonly ConcurrentDictionary<string, RunningJob> _running = new(StringComparer.Ordinal);
    // Runs in progress, kept apart from _running: the loop reads it after every finish, and ConcurrentDictionary.Count
    // takes every lock of the dictionary.
    private int _runs;
    private readonly JobsOptions _options = options.Value;
    private readonly KindSlots _slots = new(options.Value);
    private Batcher<JobOutcome, bool>? _outcomes;

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        signals.CancelRequested += OnCancelRequested;
        // Leases are renewed until the drain is over, not just until stopping: running jobs keep their leases through
        // the shutdown grace period, so no other node takes them while they finish.
        using var heartbeatStop = new CancellationTokenSource();
        var heartbeat = Task.Run(() => RepeatAsync("heartbeat", HeartbeatInterval, HeartbeatAsync, heartbeatStop.Token), CancellationToken.None);
        var rescue = Task.Run(() => RepeatAsync("rescue", RescueInterval, RescueAsync, stopping), CancellationToken.None);
        // Finished jobs are written in batches: one transaction for all that finished meanwhile.
        _outcomes = new Batcher<JobOutcome, bool>(FinishAsync);
        var recorder = Task.Run(_outcomes.RunAsync, CancellationToken.None);
        var backoff = new Backoff();
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                var free = Limit - Volatile.Read(ref _runs);
                var wanted = Math.Min(free, ClaimBatch);
                var claimed = wanted > 0 ? await store.ClaimAsync(_owner, wanted, _options.Lease, stopping).ConfigureAwait(false) : [];
                foreach (var job in claimed)
                {
                    Start(job);
                }
                backoff.Reset();
                // Full (free can be below zero: the limit drops to BehindConcurrency while more run), or the store had fewer
                // than asked: wait for a finish or a submit. Only a full claim goes straight round again.
                if (free <= 0 || claimed.Count < wanted)
                {
                    await signals.Jobs.WaitAsync(TimeSpan.FromSeconds(_options.PollIntervalSeconds), time, stopping).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                LogLoopFailed(log, "claim", e);
                metrics.StoreError("worker", e);
                await backoff.WaitAsync(time, stopping).ConfigureAwait(false);
            }
        }
        await DrainAsync().ConfigureAwait(false);
        await heartbeatStop.CancelAsync().ConfigureAwait(false);
        signals.CancelRequested -= OnCancelRequested;
        _outcomes.Complete();
        await Task.WhenAll(heartbeat, rescue, recorder).ConfigureAwait(false);
    }

    /// <summary>Writes a batch of outcomes. When this process runs a dispatcher with room, the deliveries are leased
    /// to it in the same transaction and handed over in memory; otherwise the dispatcher is told to look in the store.</summary>
    private async Task<IReadOnlyList<bool>> FinishAsync(IReadOnlyList<JobOutcome> outcomes)
    {
        // Writes that must land: CancellationToken.None, retried while the store is unavailable, up to a lease.
        if (handOff.IsOpen && store is IDeliveryHandOffStore handing)
        {
            var room = handOff.Room;
            var batch = await StoreRetry.WhileUnavailableAsync(() => handing.FinishAndLeaseAsync(
                _owner, outcomes, handOff.Dispatcher, handOff.Lease, room, CancellationToken.None), _options.Lease, time).ConfigureAwait(false);
            if (batch.Leased.Count > 0)
            {
                handOff.Post(batch.Leased);
                signals.Deliveries.Nudge();
            }
            if (batch.Unleased > 0)
            {
                handOff.Backlog();
                signals.Deliveries.Set();
            }
            return batch.Finished;
        }
        var finished = await StoreRetry.WhileUnavailableAsync(
            () => store.FinishAsync(_owner, outcomes, CancellationToken.None), _options.Lease, time).ConfigureAwait(false);
        if (finished.Contains(true))
        {
            handOff.Backlog();
            signals.Deliveries.Set();
        }
        return finished;
    }

    /// <summary>Jobs held at once: <c>Concurrency</c>, or while this process's dispatcher is behind (its callbacks
    /// queue in the store), no more than <see cref="BehindConcurrency"/>: finishing jobs faster than their callbacks
    /// leave only lengthens the queue, and the CPU goes to delivering it.</summary>
    private int Limit => handOff.Behind ? Math.Min(_options.Concurrency, BehindConcurrency) : _options.Concurrency;

    private const int BehindConcurrency = 16;

    /// <summary>The most jobs one claim takes; with more slots free the loop claims again at once. Measured against
    /// claiming every free slot (256 at the defaults), docs/benchmarks.md, eighth pass: faster on Redis (15 of 19
    /// interleaved pairs), not told apart on PostgreSQL and SQLite. The likely reason, not measured: jobs claimed
    /// together finish together and free their slots together, so one large claim makes claims and finishes take turns.</summary>
    private const int ClaimBatch = 64;

    private TimeSpan HeartbeatInterval => TimeSpan.FromSeconds(Math.Clamp(_options.LeaseSeconds / 3, 0.2, 10));
    private TimeSpan RescueInterval => TimeSpan.FromSeconds(Math.Clamp(_options.LeaseSeconds / 2, 0.5, 15));

    private void Start(ClaimedJob job)
    {
        // A job that waits for a slot of its kind starts its timeout when it gets one.
        var run = new RunningJob(job, time, _options.TimeoutFor(job.Kind), startClock: !_slots.IsLimited(job.Kind));
        // This process can claim a job it still runs: its own rescuer requeued it after the lease ran out (a long
        // stall or store outage). The old run has lost its claim; stop it so one run is left.
        if (_running.TryGetValue(job.Id, out var stale))
        {
            stale.Stop(StopReason.LeaseLost);
        }
        _running[job.Id] = run;
        Interlocked.Increment(ref _runs);
        run.Task = Task.Run(() => RunAsync(run));
    }

    private async Task RunAsync(RunningJob run)
    {
        var job = run.Job;
        var started = metrics.JobStarted(job.Kind);
        string? finished = null;
        try
        {
            JobOutcome outcome;
            var slot = _slots.For(job.Kind);
            var holding = false;
            try
            {
                if (slot is not null)
                {
                    await slot.WaitAsync(run.Token).ConfigureAwait(false);
                    holding = true;
                    run.StartClock();
                }
                await using var scope = scopes.CreateAsyncScope();
                using var input = JsonDocument.Parse(job.InputJson);
                var context = new JobContext(job.Id, job.TenantId, job.Kind, input.RootElement, job.Attempt,
                    (p, ct) => store.SetProgressAsync(_owner, run.Lease, p, ct));
                var handler = handlers.Resolve(scope.ServiceProvider, job.Kind);
                var result = await handler.RunAsync(context, run.Token).ConfigureAwait(false);
                outcome = new JobOutcome(job.Id, job.Attempt, JobStatus.Completed, result?.GetRawText(), null);
            }
            catch (Exception) when (run.Token.IsCancellationRequested)
            {
                switch (run.StopReason)
                {
                    case StopReason.Shutdown:
                        return; // released by DrainAsync
                    case StopReason.LeaseLost:
                        LogLeaseLost(log, job.Id);
                        return;
                    case StopReason.Canceled:
                        outcome = new JobOutcome(job.Id, job.Attempt, JobStatus.Canceled, null, null);
                        break;
                    default:
                        outcome = new JobOutcome(job.Id, job.Attempt, JobStatus.Failed, null,
                            $"timeout after {run.Timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)}s");
                        break;
                }
            }
            catch (Exception e)
            {
                outcome = new JobOutcome(job.Id, job.Attempt, JobStatus.Failed, null, string.IsNullOrEmpty(e.Message) ? e.GetType().Name : e.Message);
            }
            finally
            {
                if (holding)
                {
                    slot!.Release();
                }
            }
            await _outcomes!.AddAsync(outcome).ConfigureAwait(false);
            finished = outcome.Status;
            LogFinished(log, job.Id, job.Kind, outcome.Status);
        }
        catch (Exception e)
        {
            // The store refused the outcome; the lease runs out and the job is rescued, so nothing is lost.
            LogLoopFailed(log, "finish", e);
        }
        finally
        {
            metrics.JobEnded(job.Kind, finished, started);
            _running.TryRemove(new KeyValuePair<string, RunningJob>(job.Id, run));
            Interlocked.Decrement(ref _runs);
            run.Dispose();
            signals.Jobs.Set();
        }
    }

    private void OnCancelRequested(string jobId)
    {
        if (_running.TryGetValue(jobId, out var run))
        {
            run.Stop(StopReason.Canceled);
        }
    }

    private async Task HeartbeatAsync(CancellationToken ct)
    {
        var leased = _running.Values.Select(r => r.Lease).ToArray();
        if (leased.Length == 0)
        {
            return;
        }
        var beat = await store.HeartbeatAsync(_owner, leased, _options.Lease, ct).ConfigureAwait(false);
        foreach (var id in beat.CancelRequested)
        {
            OnCancelRequested(id);
        }
        foreach (var id in beat.Lost)
        {
            // Finished between the snapshot and the beat, or rescued by another process: stop without writing.
            if (_running.TryGetValue(id, out var run) && !run.Task.IsCompleted)
            {
                run.Stop(StopReason.LeaseLost);
            }
        }
    }

    private async Task RescueAsync(CancellationToken ct)
    {
        if (await store.RescueExpiredAsync(_options.MaxAttempts, ct).ConfigureAwait(false) > 0)
        {
            signals.Jobs.Set();
            signals.Deliveries.Set();
        }
    }

    private async Task DrainAsync()
    {
        var grace = TimeSpan.FromSeconds(_options.ShutdownGraceSeconds);
        var running = _running.Values.Select(r => r.Task).ToArray();
        await Task.WhenAny(Task.WhenAll(running), Task.Delay(grace, time)).ConfigureAwait(false);
        var left = _running.Values.ToArray();
        if (left.Length == 0)
        {
            return;
        }
        foreach (var run in left)
        {
            run.Stop(StopReason.Shutdown);
        }
        await Task.WhenAny(Task.WhenAll(left.Select(r => r.Task)), Task.Delay(TimeSpan.FromSeconds(5), time)).ConfigureAwait(false);
        await store.ReleaseAsync(_owner, left.Select(r => r.Lease).ToArray(), CancellationToken.None).ConfigureAwait(false);
        LogReleased(log, left.Length);
    }

    private async Task RepeatAsync(string name, TimeSpan interval, Func<CancellationToken, Task> work, CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await work(stopping).ConfigureAwait(false);
                await Task.Delay(interval, time, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogLoopFailed(log, name, e);
                try { await Task.Delay(interval, time, stopping).ConfigureAwait(false); }
                catch (OperationCanceledException) { return; }
            }
        }
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Debug, Message = "Job {JobId} ({Kind}) finished: {Status}")]
    private static partial void LogFinished(ILogger logger, string jobId, string kind, string status);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "Job {JobId}: lease lost; its outcome is dropped and the job runs again")]
    private static partial void LogLeaseLost(ILogger logger, string jobId);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Information, Message = "Shutdown: released {Count} unfinished jobs for another worker")]
    private static partial void LogReleased(ILogger logger, int count);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Error, Message = "Worker {Loop} loop failed; retrying")]
    private static partial void LogLoopFailed(ILogger logger, string loop, Exception exception);
}
