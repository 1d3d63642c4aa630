using Boomerang.Server.Background;
using Microsoft.Extensions.Options;

namespace Boomerang.Server.Storage;

/// <summary>Applies schema migrations before the worker and the dispatcher start (they are registered after it). A database that is not up yet (all
/// nodes and the database started together) is waited for, up to <c>Boomerang:Storage:Postgres:StartupWaitSeconds</c>.</summary>
internal sealed partial class StoreMigrator(IJobStore store, IOptions<StorageOptions> options, TimeProvider time, ILogger<StoreMigrator> log)
    : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + TimeSpan.FromSeconds(options.Value.UsesRedis ? options.Value.Redis.StartupWaitSeconds : options.Value.Postgres.StartupWaitSeconds);
        var backoff = new Backoff();
        while (true)
        {
            try
            {
                await store.MigrateAsync(cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (StoreUnavailableException e) when (time.GetUtcNow() < deadline)
            {
                LogWaiting(log, e.Message);
                await backoff.WaitAsync(time, cancellationToken).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 4003, Level = LogLevel.Warning, Message = "Store not reachable at start ({Reason}); waiting for it")]
    private static partial void LogWaiting(ILogger logger, string reason);
}
