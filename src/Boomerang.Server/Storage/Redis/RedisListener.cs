using Boomerang.Server.Background;
using StackExchange.Redis;

namespace Boomerang.Server.Storage.Redis;

/// <summary>
/// Subscribes to <c>{prefix}:events</c> and turns what other processes' scripts publish into local wake-ups: new jobs,
/// due deliveries, running jobs to cancel. Hints only: the loops poll anyway. The client re-subscribes after a
/// reconnect; hints published meanwhile are lost, so a restored connection wakes every loop once.
/// </summary>
internal sealed partial class RedisListener(IConnectionMultiplexer redis, RedisKeys keys, JobSignals signals, TimeProvider time,
    ILogger<RedisListener> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        redis.ConnectionRestored += OnRestored;
        redis.ConnectionFailed += OnFailed;
        var backoff = new Backoff();
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                var queue = await redis.GetSubscriber().SubscribeAsync(keys.Events).ConfigureAwait(false);
                queue.OnMessage(m => OnHint((string?)m.Message ?? ""));
                break;
            }
            catch (Exception e) when (e is RedisConnectionException or RedisTimeoutException)
            {
                await backoff.WaitAsync(time, stopping).ConfigureAwait(false);
            }
        }
        signals.Jobs.Set();
        signals.Deliveries.Set();
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        redis.ConnectionRestored -= OnRestored;
        redis.ConnectionFailed -= OnFailed;
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    private void OnFailed(object? sender, ConnectionFailedEventArgs e)
    {
        if (e.ConnectionType == ConnectionType.Subscription)
        {
            LogLost(log, e.FailureType.ToString());
        }
    }

    private void OnRestored(object? sender, ConnectionFailedEventArgs e)
    {
        if (e.ConnectionType == ConnectionType.Subscription)
        {
            LogRestored(log);
            signals.Jobs.Set();
            signals.Deliveries.Set();
        }
    }

    private void OnHint(string hint)
    {
        switch (hint)
        {
            case RedisKeys.JobsHint:
                signals.Jobs.Set();
                break;
            case RedisKeys.DeliveriesHint:
                signals.Deliveries.Set();
                break;
            default:
                if (hint.StartsWith(RedisKeys.CancelPrefix, StringComparison.Ordinal))
                {
                    signals.RequestCancel(hint[RedisKeys.CancelPrefix.Length..]);
                }
                break;
        }
    }

    [LoggerMessage(EventId = 4104, Level = LogLevel.Warning, Message = "Redis pub/sub connection lost ({Failure}); loops keep polling until it is back")]
    private static partial void LogLost(ILogger logger, string failure);

    [LoggerMessage(EventId = 4105, Level = LogLevel.Information, Message = "Redis pub/sub connection restored")]
    private static partial void LogRestored(ILogger logger);
}
