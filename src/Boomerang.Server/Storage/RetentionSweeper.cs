using Boomerang.Server.Background;
using Microsoft.Extensions.Options;

namespace Boomerang.Server.Storage;

/// <summary>
/// Deletes finished jobs past <see cref="RetentionOptions.FinishedJobsDays"/> in small batches, one transaction each,
/// so other writes interleave; the store gives the space back. Any number of nodes may sweep at once. A store without
/// retention is said so at start rather than ignored silently.
/// </summary>
internal sealed partial class RetentionSweeper(IJobStore store, IOptions<RetentionOptions> options, TimeProvider time,
    ILogger<RetentionSweeper> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        var o = options.Value;
        if (store is not IFinishedJobPurge purge)
        {
            LogUnsupported(log, store.GetType().Name);
            return;
        }
        var backoff = new Backoff();
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                var total = 0;
                int purged;
                do
                {
                    purged = await purge.PurgeFinishedAsync(o.KeepFor, o.BatchSize, stopping).ConfigureAwait(false);
                    total += purged;
                }
                while (purged == o.BatchSize && !stopping.IsCancellationRequested);
                if (total > 0)
                {
                    LogPurged(log, total);
                }
                backoff.Reset();
                await Task.Delay(TimeSpan.FromSeconds(o.SweepIntervalSeconds), time, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                LogFailed(log, e);
                await backoff.WaitAsync(time, stopping).ConfigureAwait(false);
            }
        }
    }

    [LoggerMessage(EventId = 4101, Level = LogLevel.Information, Message = "Retention: deleted {Count} finished jobs with their deliveries")]
    private static partial void LogPurged(ILogger logger, int count);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Warning, Message = "Retention: {Store} does not delete finished jobs yet; Boomerang:Retention has no effect on it")]
    private static partial void LogUnsupported(ILogger logger, string store);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Warning, Message = "Retention sweep failed; retrying")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
