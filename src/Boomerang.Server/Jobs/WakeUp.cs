namespace Boomerang.Server.Jobs;

/// <summary>
/// An auto-reset signal for loops that also poll. A wake-up is a hint: the loop re-reads the store after it,
/// and a lost one only costs a poll interval.
/// </summary>
internal sealed class WakeUp
{
    private TaskCompletionSource _signal = NewSignal();

    public void Set() => Volatile.Read(ref _signal).TrySetResult();

    /// <summary>Returns when set or after <paramref name="timeout"/>, then re-arms.</summary>
    public async Task WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken ct)
    {
        var signal = Volatile.Read(ref _signal);
        try
        {
            await signal.Task.WaitAsync(timeout, time, ct).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }
        Interlocked.CompareExchange(ref _signal, NewSignal(), signal);
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>In-process hints between the API and the background loops.</summary>
internal sealed class JobSignals
{
    public WakeUp Jobs { get; } = new();
    public WakeUp Deliveries { get; } = new();

    /// <summary>Raised when the owner of a running job asked to cancel it.</summary>
    public event Action<string>? CancelRequested;

    public void RequestCancel(string jobId) => CancelRequested?.Invoke(jobId);
}
