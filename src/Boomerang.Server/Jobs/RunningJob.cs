using Boomerang.Server.Storage;

namespace Boomerang.Server.Jobs;

internal enum StopReason { None, Canceled, Timeout, Shutdown, LeaseLost }

/// <summary>A job this process holds: its token fires on cancel, timeout, shutdown or a lost lease, and says which.</summary>
internal sealed class RunningJob : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly TimeProvider _time;
    private CancellationTokenSource? _timeout;
    private int _reason;

    /// <summary>The timeout runs from now, or, with <paramref name="startClock"/> false, from <see cref="StartClock"/>
    /// (a job that first waits for a slot of its kind).</summary>
    public RunningJob(ClaimedJob job, TimeProvider time, TimeSpan timeout, bool startClock = true)
    {
        Job = job;
        Timeout = timeout;
        _time = time;
        if (startClock)
        {
            StartClock();
        }
    }

    public void StartClock()
    {
        if (_timeout is not null)
        {
            return;
        }
        var timeout = new CancellationTokenSource(Timeout, _time);
        Volatile.Write(ref _timeout, timeout);
        // The timeout claims the reason like any other stop, so a cancel arriving just after it cannot relabel it.
        timeout.Token.Register(() => Stop(StopReason.Timeout));
    }

    public ClaimedJob Job { get; }
    /// <summary>This run's attempt: what fences its heartbeats, progress and outcome.</summary>
    public LeasedJob Lease => new(Job.Id, Job.Attempt);
    public TimeSpan Timeout { get; }
    public Task Task { get; set; } = Task.CompletedTask;
    public CancellationToken Token => _stop.Token;

    public StopReason StopReason => (StopReason)Volatile.Read(ref _reason);

    /// <summary>The first reason wins; later ones do not change the outcome.</summary>
    public void Stop(StopReason reason)
    {
        // A timeout that has fired wins even if its registration has not run yet.
        reason = Volatile.Read(ref _timeout)?.IsCancellationRequested == true ? StopReason.Timeout : reason;
        if (Interlocked.CompareExchange(ref _reason, (int)reason, 0) == 0)
        {
            try { _stop.Cancel(); } catch (ObjectDisposedException) { }
        }
    }

    public void Dispose()
    {
        _timeout?.Dispose();
        _stop.Dispose();
    }
}
