using System.Collections.Concurrent;
using Boomerang.Jobs;
using Boomerang.Server.Background;
using Boomerang.Server.Metrics;
using Boomerang.Server.Storage;
using Microsoft.Extensions.Options;

namespace Boomerang.Server.Callbacks;

/// <summary>
/// Claims due deliveries under a lease, sends each once, and records the attempt with the delivery's next state.
/// A dispatcher that dies leaves leases that expire, and the deliveries are claimed again: at least once.
/// </summary>
internal sealed partial class CallbackDispatcher(
    IJobStore store, CallbackSender sender, HostGates gates, JobSignals signals, DeliveryHandOff handOff,
    IOptions<CallbacksOptions> options, TimeProvider time, ILogger<CallbackDispatcher> log, BoomerangMetrics metrics) : BackgroundService
{
    // Handed-off deliveries are leased to this name by the finishing worker; claims use it too.
    private readonly string _owner = handOff.Dispatcher;
    private readonly ConcurrentDictionary<long, Task> _inFlight = new();
    private readonly CallbacksOptions _options = options.Value;
    private Batcher<DeliveryAttempt, bool>? _attempts;

    // Long enough for one attempt to finish; a dispatcher that died mid-send loses the delivery to another after this.
    private TimeSpan Lease => _options.Timeout * 2 + TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        _attempts = new Batcher<DeliveryAttempt, bool>(a => StoreRetry.WhileUnavailableAsync(
            () => store.RecordAttemptsAsync(_owner, a, CancellationToken.None), Lease, time));
        var recorder = Task.Run(_attempts.RunAsync, CancellationToken.None);
        // A finish on this node may lease its delivery straight to this dispatcher while it holds fewer than its slots.
        handOff.Open(Lease, _options.Concurrency);
        var backoff = new Backoff();
        var poll = TimeSpan.FromSeconds(_options.PollIntervalSeconds);
        var lastPoll = long.MinValue;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await StartHandedOffAsync(stopping).ConfigureAwait(false);
                // The store is read when something may be due there (a hint, a full claim last time) or the poll
                // interval has passed (retries coming due); hand-offs and freed slots alone do not cost a round trip.
                // Slots held for hand-offs are not claimed for: a handed-off delivery never waits behind the store's.
                var free = _options.Concurrency - _inFlight.Count - handOff.Held;
                var more = false;
                if (free > 0 && (signals.Deliveries.TakeStoreDue() || lastPoll == long.MinValue || time.GetElapsedTime(lastPoll) >= poll))
                {
                    lastPoll = time.GetTimestamp();
                    var unavailable = gates.Unavailable();
                    var due = await store.ClaimDeliveriesAsync(_owner, free, Lease, unavailable, stopping).ConfigureAwait(false);
                    foreach (var delivery in due)
                    {
                        await StartAsync(delivery, stopping).ConfigureAwait(false);
                    }
                    more = due.Count == free;
                    if (more || unavailable.Count > 0)
                    {
                        // More may be waiting (or waits for a host that is full now): claim again after the next wake.
                        signals.Deliveries.Set();
                    }
                    else
                    {
                        handOff.Drained();
                    }
                }
                backoff.Reset();
                if (!(handOff.Queued || (more && _inFlight.Count < _options.Concurrency)))
                {
                    await signals.Deliveries.WaitAsync(poll, time, stopping).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                LogLoopFailed(log, e);
                metrics.StoreError("dispatcher", e);
                await backoff.WaitAsync(time, stopping).ConfigureAwait(false);
            }
        }
        handOff.Close();
        // In-flight sends end within their timeout; anything cut short keeps its lease and is sent again later.
        await Task.WhenAll(_inFlight.Values).ConfigureAwait(false);
        _attempts.Complete();
        await recorder.ConfigureAwait(false);
    }

    /// <summary>Starts the handed-off deliveries. One whose host is full or failing goes back to the store, where
    /// claims skip that host, so a hanging receiver never holds slots that a healthy one could use.</summary>
    private async Task StartHandedOffAsync(CancellationToken stopping)
    {
        // All of them: a finish leases no more than the dispatcher's room, so they are bounded by its slots.
        while (handOff.TryTake(out var delivery, out var handedAt))
        {
            handOff.Done();
            // An old one is left to its lease: it expires and a claim takes it (not sent here while another may hold it).
            if (handOff.Fresh(handedAt))
            {
                await StartAsync(delivery, stopping).ConfigureAwait(false);
            }
        }
    }

    private bool TryStart(DueDelivery delivery, CancellationToken stopping)
    {
        if (!gates.TryEnter(delivery.Host))
        {
            return false;
        }
        _inFlight[delivery.Seq] = Task.Run(() => DeliverAsync(delivery, stopping), CancellationToken.None);
        return true;
    }

    private async Task StartAsync(DueDelivery delivery, CancellationToken stopping)
    {
        if (!TryStart(delivery, stopping))
        {
            // The host is full or its circuit is open: back to the store, where the claim skips such hosts.
            await store.ReleaseDeliveryAsync(_owner, delivery.Seq, stopping).ConfigureAwait(false);
            signals.Deliveries.Set();
        }
    }

    private async Task DeliverAsync(DueDelivery delivery, CancellationToken stopping)
    {
        var hostFailed = true;
        Task<bool>? recorded = null;
        var attempts = delivery.Attempts + 1;
        string? status = null;
        int? httpStatus = null;
        VerdictReason? why = null;
        try
        {
            var started = time.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0;
            var sent = await sender.SendAsync(delivery, stopping).ConfigureAwait(false);
            httpStatus = sent.HttpStatus;
            var decision = RetryPolicy.Decide(sent, attempts, _options, Random.Shared.NextDouble());
            hostFailed = decision.HostFailed;
            why = decision.Why;
            status = decision.Verdict switch
            {
                Verdict.Delivered => CallbackStatus.Success,
                Verdict.RetryLater => CallbackStatus.Pending,
                _ => CallbackStatus.Failed,
            };
            double? next = decision.RetryIn is { } wait ? started + wait.TotalSeconds : null;
            metrics.CallbackAttempt(delivery, status, sent.Error, started, sent.DurationMs);
            recorded = _attempts!.AddAsync(new DeliveryAttempt(delivery, started, sent.DurationMs, sent.HttpStatus,
                sent.Error, sent.ResponseBody, status, next));
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Shutting down mid-send: the lease expires and another dispatcher sends it.
        }
        finally
        {
            // The slot is free once the receiver answered; the delivery stays leased until its record commits.
            gates.Exit(delivery.Host, hostFailed);
            _inFlight.TryRemove(delivery.Seq, out _);
            signals.Deliveries.Nudge();
        }
        if (recorded is null)
        {
            return;
        }
        try
        {
            await recorded.ConfigureAwait(false);
            LogAttempt(log, delivery.JobId, delivery.Event, attempts, httpStatus, status!, why);
        }
        catch (Exception e)
        {
            LogDeliveryFailed(log, delivery.JobId, e);
        }
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Debug, Message = "Callback for job {JobId} ({Event}) attempt {Attempt}: HTTP {HttpStatus}, now {Status} ({Why})")]
    private static partial void LogAttempt(ILogger logger, string jobId, string @event, int attempt, int? httpStatus, string status, VerdictReason? why);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Error, Message = "Callback dispatcher loop failed; retrying")]
    private static partial void LogLoopFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Error, Message = "Callback for job {JobId} could not be recorded; its lease will expire and it is sent again")]
    private static partial void LogDeliveryFailed(ILogger logger, string jobId, Exception exception);
}
