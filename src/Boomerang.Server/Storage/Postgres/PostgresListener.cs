using Boomerang.Server.Background;
using Npgsql;

namespace Boomerang.Server.Storage.Postgres;

/// <summary>
/// Holds one connection that LISTENs on the schema's channel and turns what other processes commit into local
/// wake-ups: new jobs, due deliveries, running jobs to cancel. Hints only: the loops poll anyway. When the
/// connection drops it reconnects with backoff, and wakes every loop once it is back, since hints sent meanwhile
/// were lost.
/// </summary>
internal sealed partial class PostgresListener(
    NpgsqlDataSource db, PostgresSchema schema, JobSignals signals, TimeProvider time, ILogger<PostgresListener> log) : BackgroundService
{
    public const string JobsHint = "j";
    public const string DeliveriesHint = "d";
    public const string CancelPrefix = "c:";

    // With no traffic the connection is probed this often, so a silently dead one is noticed.
    private static readonly TimeSpan Probe = TimeSpan.FromSeconds(15);

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        var backoff = new Backoff();
        var lost = false;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await using var connection = await db.OpenConnectionAsync(stopping).ConfigureAwait(false);
                connection.Notification += (_, e) => OnHint(e.Payload);
                await connection.RunAsync($"LISTEN \"{schema.Channel}\"", stopping).ConfigureAwait(false);
                if (lost)
                {
                    LogReconnected(log);
                }
                lost = false;
                backoff.Reset();
                signals.Jobs.Set();
                signals.Deliveries.Set();
                while (!stopping.IsCancellationRequested)
                {
                    if (!await connection.WaitAsync(Probe, stopping).ConfigureAwait(false))
                    {
                        await connection.RunAsync("SELECT 1", stopping).ConfigureAwait(false);
                    }
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                if (!lost)
                {
                    LogLost(log, e);
                }
                lost = true;
                await backoff.WaitAsync(time, stopping).ConfigureAwait(false);
            }
        }
    }

    private void OnHint(string hint)
    {
        switch (hint)
        {
            case JobsHint:
                signals.Jobs.Set();
                break;
            case DeliveriesHint:
                signals.Deliveries.Set();
                break;
            default:
                if (hint.StartsWith(CancelPrefix, StringComparison.Ordinal))
                {
                    // Stopping a job runs its cancellation callbacks; keep them off the connection's read loop.
                    var jobId = hint[CancelPrefix.Length..];
                    ThreadPool.QueueUserWorkItem(id => signals.RequestCancel(id), jobId, preferLocal: false);
                }
                break;
        }
    }

    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "PostgreSQL LISTEN connection lost; reconnecting with backoff (loops keep polling meanwhile)")]
    private static partial void LogLost(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "PostgreSQL LISTEN connection restored")]
    private static partial void LogReconnected(ILogger logger);
}
