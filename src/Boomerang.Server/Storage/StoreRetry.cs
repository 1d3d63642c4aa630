using Boomerang.Server.Background;

namespace Boomerang.Server.Storage;

/// <summary>
/// Retries a background write while the store is unavailable (a database restart or a short outage), with backoff,
/// within a time budget. Used for writes whose loss would cost a re-run or a duplicate callback: a
/// finished job's outcome and a sent callback's attempt. Safe to repeat: the store drops a write whose lease has
/// meanwhile gone to another process.
/// </summary>
internal static class StoreRetry
{
    public static async Task<T> WhileUnavailableAsync<T>(Func<Task<T>> write, TimeSpan budget, TimeProvider time)
    {
        var deadline = time.GetUtcNow() + budget;
        var backoff = new Backoff();
        while (true)
        {
            try
            {
                return await write().ConfigureAwait(false);
            }
            catch (StoreUnavailableException) when (time.GetUtcNow() < deadline)
            {
                await backoff.WaitAsync(time, CancellationToken.None).ConfigureAwait(false);
            }
        }
    }
}
