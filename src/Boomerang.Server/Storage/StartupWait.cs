using Boomerang.Server.Background;

namespace Boomerang.Server.Storage;

/// <summary>
/// A start-up step that needs the store: retried with backoff while the store is unreachable (nodes and database
/// started together), up to the provider's <c>StartupWaitSeconds</c>; after that the store's exception stops the process.
/// </summary>
internal static class StartupWait
{
    public static async Task RunAsync(StorageOptions storage, TimeProvider time, Func<CancellationToken, Task> step,
        Action<string> waiting, CancellationToken ct)
    {
        var deadline = time.GetUtcNow() + TimeSpan.FromSeconds(storage.UsesRedis ? storage.Redis.StartupWaitSeconds : storage.Postgres.StartupWaitSeconds);
        var backoff = new Backoff();
        while (true)
        {
            try
            {
                await step(ct).ConfigureAwait(false);
                return;
            }
            catch (StoreUnavailableException e) when (time.GetUtcNow() < deadline)
            {
                waiting(e.Message);
                await backoff.WaitAsync(time, ct).ConfigureAwait(false);
                ct.ThrowIfCancellationRequested();
            }
        }
    }
}
