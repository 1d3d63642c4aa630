namespace Boomerang.Server.Background;

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
