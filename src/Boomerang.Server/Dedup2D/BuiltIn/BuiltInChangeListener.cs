using Boomerang.Server.Storage;
using Boomerang.Server.Storage.Postgres;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Boomerang.Server.Dedup2D.BuiltIn;

/// <summary>Wakes the <see cref="BuiltInIndexFollower"/> early: set when another node says it appended an index change.</summary>
internal sealed class IndexChangeHint
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Set()
    {
        try
        {
            _signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already set: one wake-up covers every change so far.
        }
    }

    /// <summary>True when set before <paramref name="timeout"/>.</summary>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct) => _signal.WaitAsync(timeout, ct);
}

/// <summary>On PostgreSQL, LISTENs on <c>boomerang_{schema}_dedup2d</c>, where every index change is also NOTIFYed at commit,
/// and turns each notification into an <see cref="IndexChangeHint"/>. A hint only: the follower polls anyway, so a lost
/// connection costs latency, not changes. Reconnects with a growing pause and wakes the follower once it is back.</summary>
internal sealed partial class BuiltInChangeListener(IServiceProvider services, IOptions<StorageOptions> storage, IOptions<Dedup2DOptions> dedup,
    IndexChangeHint hint, ILogger<BuiltInChangeListener> log) : BackgroundService
{
    private static readonly TimeSpan Probe = TimeSpan.FromSeconds(15);

    public static string Channel(PostgresSchema schema) => schema.Channel + "_dedup2d";

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        if (!storage.Value.UsesPostgres || dedup.Value.EffectiveEngine != "builtin")
        {
            return;
        }
        var db = services.GetRequiredService<NpgsqlDataSource>();
        var channel = Channel(services.GetRequiredService<PostgresSchema>());
        var pause = TimeSpan.FromMilliseconds(500);
        var lost = false;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await using var connection = await db.OpenConnectionAsync(stopping).ConfigureAwait(false);
                connection.Notification += (_, _) => hint.Set();
                await using (var listen = new NpgsqlCommand($"LISTEN \"{channel}\"", connection))
                {
                    await listen.ExecuteNonQueryAsync(stopping).ConfigureAwait(false);
                }
                lost = false;
                pause = TimeSpan.FromMilliseconds(500);
                hint.Set(); // hints sent while not listening were lost
                while (!stopping.IsCancellationRequested)
                {
                    if (!await connection.WaitAsync(Probe, stopping).ConfigureAwait(false))
                    {
                        await using var probe = new NpgsqlCommand("SELECT 1", connection);
                        await probe.ExecuteNonQueryAsync(stopping).ConfigureAwait(false);
                    }
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is NpgsqlException or IOException or TimeoutException or InvalidOperationException)
            {
                if (!lost)
                {
                    LogLost(log, e.Message);
                }
                lost = true;
                try
                {
                    await Task.Delay(pause, stopping).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
            }
        }
    }

    [LoggerMessage(EventId = 9106, Level = LogLevel.Warning, Message = "Built-in drawing engine: index change LISTEN connection lost ({Error}); polling only until it is back")]
    private static partial void LogLost(ILogger logger, string error);
}
