using Microsoft.Extensions.Options;

namespace Boomerang.Server.Storage;

/// <summary>Applies schema migrations before the worker and the dispatcher start (they are registered after it). A database that is not up yet (all
/// nodes and the database started together) is waited for, up to <c>Boomerang:Storage:Postgres:StartupWaitSeconds</c>.</summary>
internal sealed partial class StoreMigrator(IJobStore store, IOptions<StorageOptions> options, TimeProvider time, ILogger<StoreMigrator> log)
    : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) =>
        StartupWait.RunAsync(options.Value, time, store.MigrateAsync, reason => LogWaiting(log, reason), cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 4003, Level = LogLevel.Warning, Message = "Store not reachable at start ({Reason}); waiting for it")]
    private static partial void LogWaiting(ILogger logger, string reason);
}
