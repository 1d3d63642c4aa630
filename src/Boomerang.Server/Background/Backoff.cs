namespace Boomerang.Server.Background;

/// <summary>Doubling delay for loops whose store is unreachable: 100 ms up to 5 s, so they never spin.</summary>
internal sealed class Backoff
{
    private TimeSpan _next = TimeSpan.FromMilliseconds(100);

    public void Reset() => _next = TimeSpan.FromMilliseconds(100);

    public async Task WaitAsync(TimeProvider time, CancellationToken ct)
    {
        try
        {
            await Task.Delay(_next, time, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        _next = TimeSpan.FromTicks(Math.Min(_next.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
    }
}
