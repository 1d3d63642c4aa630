using Boomerang.Server.Storage;

namespace Boomerang.Server.Jobs;

internal enum StopReason { None, Canceled, Timeout, Shutdown, LeaseLost }

/// <summary>A job this process holds: its token fires on cancel, timeout, shutdown or a lost lease, and says which.</summary>
internal sealed class RunningJob : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly CancellationTokenSource _timeout;
    private readonly CancellationTokenSource _linked;
    private int _reason;

    public RunningJob(ClaimedJob job, TimeProvider time, TimeSpan timeout)
    {
        Job = job;
        Timeout = timeout;
        _timeout = new CancellationTokenSource(timeout, time);
        // The timeout claims the reason like any other stop, so a cancel arriving just after it cannot relabel it.
        _timeout.Token.Register(() => Interlocked.CompareExchange(ref _reason, (int)StopReason.Timeout, 0));
        _linked = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token, _timeout.Token);
    }

    public ClaimedJob Job { get; }
    /// <summary>This run's attempt: what fences its heartbeats, progress and outcome.</summary>
    public LeasedJob Lease => new(Job.Id, Job.Attempt);
    public TimeSpan Timeout { get; }
    public Task Task { get; set; } = Task.CompletedTask;
    public CancellationToken Token => _linked.Token;

    public StopReason StopReason => (StopReason)Volatile.Read(ref _reason);

    /// <summary>The first reason wins; later ones do not change the outcome.</summary>
    public void Stop(StopReason reason)
    {
        // A timeout that has fired wins even if its registration has not run yet.
        reason = _timeout.IsCancellationRequested ? StopReason.Timeout : reason;
        if (Interlocked.CompareExchange(ref _reason, (int)reason, 0) == 0)
        {
            try { _stop.Cancel(); } catch (ObjectDisposedException) { }
        }
    }

    public void Dispose()
    {
        _linked.Dispose();
        _timeout.Dispose();
        _stop.Dispose();
    }
}
