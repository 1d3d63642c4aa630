using Boomerang.Server.Storage;
using Microsoft.Extensions.Options;

namespace Boomerang.Server.Dedup2D.BuiltIn;

/// <summary>Keeps this node's in-memory index in step with the shared store: every <c>ChangePollSeconds</c> it applies the
/// adds and deletes other nodes appended to the change sequence (its own come back too and are applied again, harmlessly),
/// and now and then prunes changes older than <c>ChangeRetentionHours</c>. A store that is not reachable is retried on
/// the next tick, never stopping the loop.</summary>
internal sealed partial class BuiltInIndexFollower(BuiltInEngine engine, IOptions<Dedup2DOptions> dedup, IOptions<BuiltInEngineOptions> options,
    TimeProvider time, ILogger<BuiltInIndexFollower> log) : BackgroundService
{
    private static readonly TimeSpan PruneEvery = TimeSpan.FromMinutes(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (dedup.Value.EffectiveEngine != "builtin")
        {
            return;
        }
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.ChangePollSeconds), time);
        var lastPrune = time.GetUtcNow();
        var failing = false;
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    await engine.FollowChangesAsync(stoppingToken).ConfigureAwait(false);
                    if (time.GetUtcNow() - lastPrune > PruneEvery)
                    {
                        await engine.PruneChangesAsync(TimeSpan.FromHours(options.Value.ChangeRetentionHours), stoppingToken).ConfigureAwait(false);
                        lastPrune = time.GetUtcNow();
                    }
                    if (failing)
                    {
                        LogRecovered(log);
                    }
                    failing = false;
                }
                catch (Exception e) when (e is StoreUnavailableException or System.Data.Common.DbException or IOException or TimeoutException)
                {
                    if (!failing)
                    {
                        LogFailed(log, e.Message);
                    }
                    failing = true;
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    [LoggerMessage(EventId = 9104, Level = LogLevel.Warning, Message = "Built-in drawing engine: cannot read the index change sequence ({Error}); retrying")]
    private static partial void LogFailed(ILogger logger, string error);

    [LoggerMessage(EventId = 9105, Level = LogLevel.Information, Message = "Built-in drawing engine: following the index change sequence again")]
    private static partial void LogRecovered(ILogger logger);
}
