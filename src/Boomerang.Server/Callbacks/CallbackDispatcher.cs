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
/// <para>It holds at most twice <c>Concurrency</c> deliveries: sending (at most <c>Concurrency</c>, and
/// <c>PerHostConcurrency</c> per host) or waiting in memory for a slot of their host, so a busy host's next delivery
/// starts the moment one of its requests ends. A host may have about a second of its answers waiting (at least three
/// times <c>PerHostConcurrency</c>, at most all the room but one host's slots): a fast receiver is not starved of work,
/// and what a finish hands over is not handed back unsent for want of room. The price: a host that stops answering can
/// hold the whole room until it is cut back to three times its slots, a quarter of a second after its last answer, at
/// the loop's next pass (at most the poll interval later); the rest go back to the store and the room to the others.</para>
/// </summary>
internal sealed partial class CallbackDispatcher(
    IJobStore store, CallbackSender sender, HostGates gates, JobSignals signals, DeliveryHandOff handOff,
    IOptions<CallbacksOptions> options, TimeProvider time, ILogger<CallbackDispatcher> log, BoomerangMetrics metrics) : BackgroundService
{
    // Handed-off deliveries are leased to this name by the finishing worker; claims use it too.
    private readonly string _owner = handOff.Dispatcher;
    private readonly ConcurrentDictionary<long, Task> _inFlight = new();
    private readonly CallbacksOptions _options = options.Value;
    private readonly WaitingDeliveries _waiting = new();
    // Deliveries this dispatcher holds but will not send (their host has enough waiting, or failing): handed back by the loop.
    private readonly ConcurrentQueue<DueDelivery> _back = new();
    private int _sending;
    private CancellationToken _stopping;
    private Batcher<DeliveryAttempt, bool>? _attempts;

    // Long enough for one attempt to finish; a dispatcher that died mid-send loses the delivery to another after this.
    private TimeSpan Lease => _options.Timeout * 2 + TimeSpan.FromSeconds(5);

    private int Capacity => 2 * _options.Concurrency;

    // A claim takes at most twice a host's slots and is made only while fewer than its slots wait, so a claim for one
    // host fits in the least a host may have waiting.
    private int MinWaitingPerHost => 3 * _options.PerHostConcurrency;

    private int MostWaitingPerHost => Math.Max(MinWaitingPerHost, Capacity - _options.PerHostConcurrency);

    private int ClaimMax => 2 * _options.PerHostConcurrency;

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        _stopping = stopping;
        _attempts = new Batcher<DeliveryAttempt, bool>(a => StoreRetry.WhileUnavailableAsync(
            () => store.RecordAttemptsAsync(_owner, a, CancellationToken.None), Lease, time));
        var recorder = Task.Run(_attempts.RunAsync, CancellationToken.None);
        // A finish on this node may lease its deliveries straight to this dispatcher while it holds fewer than Capacity,
        // at most as many as one host may have waiting; they are taken in as they are handed over.
        handOff.Open(Lease, Capacity, MostWaitingPerHost, Intake);
        var backoff = new Backoff();
        var poll = TimeSpan.FromSeconds(_options.PollIntervalSeconds);
        var lastPoll = long.MinValue;
        IReadOnlyCollection<string> skipped = [];
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                Intake();
                StartOrHandBack();
                await ReleaseBackAsync(stopping).ConfigureAwait(false);
                // The store is read when something may be due there (a hint, a full claim last time, a host the last
                // claim left out that can take more now) or the poll interval has passed (retries coming due);
                // hand-offs and freed slots alone do not cost a round trip. Hosts that are failing or already have
                // their slots' worth waiting here are left out of the claim.
                var room = Math.Min(Capacity - handOff.Held, ClaimMax);
                var failing = gates.Failing();
                var excluded = Excluded(failing);
                var more = false;
                if (room > 0 && (signals.Deliveries.TakeStoreDue() || skipped.Any(h => !excluded.Contains(h))
                    || lastPoll == long.MinValue || time.GetElapsedTime(lastPoll) >= poll))
                {
                    lastPoll = time.GetTimestamp();
                    var due = await store.ClaimDeliveriesAsync(_owner, room, Lease, excluded, stopping).ConfigureAwait(false);
                    handOff.Hold(due.Count);
                    var leasedAt = lastPoll;
                    Accept(due.Select(d => (d, leasedAt)));
                    await ReleaseBackAsync(stopping).ConfigureAwait(false);
                    more = due.Count == room;
                    skipped = excluded;
                    if (more)
                    {
                        signals.Deliveries.Set();
                    }
                    else if (excluded.Count == failing.Count)
                    {
                        // Nothing more is due but for failing hosts: hand-offs resume. Not while a host was left out for
                        // what waits here, so its newer deliveries never overtake its older ones in the store for long.
                        handOff.Drained();
                    }
                }
                backoff.Reset();
                if (!(more && handOff.Held < Capacity))
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
        // What waits here goes back to the store for any dispatcher; in-flight sends end within their timeout, and
        // anything cut short keeps its lease and is sent again later.
        foreach (var delivery in _waiting.TakeAll())
        {
            _back.Enqueue(delivery);
        }
        while (handOff.TryTake(out var delivery, out _))
        {
            _back.Enqueue(delivery);
        }
        await ReleaseBackAsync(CancellationToken.None, stopping: true).ConfigureAwait(false);
        await Task.WhenAll(_inFlight.Values).ConfigureAwait(false);
        _attempts.Complete();
        await recorder.ConfigureAwait(false);
    }

    /// <summary>Failing hosts (circuit open, or a probe in flight) and hosts with their slots' worth waiting here.</summary>
    private IReadOnlyCollection<string> Excluded(IReadOnlyCollection<string> failing) =>
        failing.Union(_waiting.HostsWithAtLeast(_options.PerHostConcurrency), StringComparer.Ordinal).ToList();

    /// <summary>Takes in what finishes handed over (an old one is left to its lease: it expires and a claim takes it, so
    /// it is not sent here while another dispatcher may hold it). Runs on the finishing worker and on the loop.</summary>
    private void Intake()
    {
        var fresh = new List<(DueDelivery, long)>();
        while (handOff.TryTake(out var delivery, out var handedAt))
        {
            if (handOff.Fresh(handedAt))
            {
                fresh.Add((delivery, handedAt));
            }
            else
            {
                handOff.Done();
            }
        }
        Accept(fresh);
    }

    /// <summary>Deliveries leased to this dispatcher (handed off or claimed) and when: each waits behind its host's
    /// others, or goes back to the store when enough already wait; then each host starts what it has slots for.</summary>
    private void Accept(IEnumerable<(DueDelivery Delivery, long LeasedAt)> leased)
    {
        var room = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (delivery, leasedAt) in leased)
        {
            if (!room.TryGetValue(delivery.Host, out var perHost))
            {
                room[delivery.Host] = perHost = WaitingFor(delivery.Host);
            }
            if (!_waiting.TryAdd(delivery, leasedAt, perHost))
            {
                _back.Enqueue(delivery);
            }
        }
        foreach (var host in room.Keys)
        {
            StartWaiting(host);
        }
    }

    /// <summary>How many deliveries may wait here for <paramref name="host"/>: about a second of its answers (all it may
    /// while too early to tell), within the bounds in the class summary.</summary>
    private int WaitingFor(string host) =>
        Math.Clamp(gates.AnswersPerSecond(host) ?? MostWaitingPerHost, MinWaitingPerHost, MostWaitingPerHost);

    /// <summary>Starts what waits where there are slots; a host whose circuit opened gets its waiting deliveries handed
    /// back (claims skip it until it recovers), and one that answers less than before gets the newest beyond its room
    /// handed back.</summary>
    private void StartOrHandBack()
    {
        foreach (var host in _waiting.Hosts)
        {
            var excess = gates.IsOpen(host) ? _waiting.TakeAll(host) : _waiting.TakeNewestBeyond(host, WaitingFor(host));
            foreach (var delivery in excess)
            {
                _back.Enqueue(delivery);
            }
            StartWaiting(host);
        }
    }

    /// <summary>Starts deliveries waiting for <paramref name="host"/>, oldest first, while it and the dispatcher have
    /// slots; one waiting past half its lease is dropped and left to expire.</summary>
    private void StartWaiting(string host)
    {
        // Judged once: a delivery whose half-lease passed between taking its slots and starting would hold them for good.
        var fresh = false;
        while (_waiting.TryTake(host, (_, leasedAt) => !(fresh = handOff.Fresh(leasedAt)) || TryEnter(host), out var delivery, out _))
        {
            if (fresh)
            {
                Start(delivery);
            }
            else
            {
                handOff.Done();
            }
        }
    }

    /// <summary>Takes a dispatcher slot and a slot of the host, or neither.</summary>
    private bool TryEnter(string host)
    {
        if (Interlocked.Increment(ref _sending) > _options.Concurrency || !gates.TryEnter(host))
        {
            Interlocked.Decrement(ref _sending);
            return false;
        }
        return true;
    }

    /// <summary>Hands the deliveries set aside back to the store untried, in one write.</summary>
    private async Task ReleaseBackAsync(CancellationToken ct, bool stopping = false)
    {
        var back = new List<long>();
        while (_back.TryDequeue(out var delivery))
        {
            back.Add(delivery.Seq);
        }
        if (back.Count == 0)
        {
            return;
        }
        handOff.Done(back.Count);
        try
        {
            await store.ReleaseDeliveriesAsync(_owner, back, ct).ConfigureAwait(false);
            signals.Deliveries.Set();
        }
        catch (Exception e) when (stopping)
        {
            // They keep their leases, which expire, and any dispatcher claims them then.
            LogReleaseFailed(log, back.Count, e);
        }
    }

    /// <summary>Sends a delivery whose slots were taken.</summary>
    private void Start(DueDelivery delivery)
    {
        var send = Task.Run(() => DeliverAsync(delivery, _stopping), CancellationToken.None);
        _inFlight[delivery.Seq] = send;
        if (send.IsCompleted)
        {
            // It ended before it was noted: do not keep it.
            _inFlight.TryRemove(new KeyValuePair<long, Task>(delivery.Seq, send));
        }
    }

    private async Task DeliverAsync(DueDelivery delivery, CancellationToken stopping)
    {
        // Until an attempt says otherwise (a send cut short by shutdown, a fault here), nothing is known of the host.
        var host = HostOutcome.Neutral;
        Task<bool>? recorded = null;
        var attempts = delivery.Attempts + 1;
        string? status = null;
        int? httpStatus = null;
        VerdictReason? why = null;
        try
        {
            var started = time.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0;
            var sent = await SendOnceAsync(delivery, stopping).ConfigureAwait(false);
            httpStatus = sent.HttpStatus;
            var decision = RetryPolicy.Decide(sent, attempts, _options, Random.Shared.NextDouble());
            host = decision.Host;
            why = decision.Why;
            status = decision.Verdict switch
            {
                Verdict.Delivered => CallbackStatus.Success,
                Verdict.RetryLater => CallbackStatus.Pending,
                _ => CallbackStatus.Failed,
            };
            double? next = decision.RetryIn is { } wait ? started + wait.TotalSeconds : null;
            recorded = _attempts!.AddAsync(new DeliveryAttempt(delivery, started, sent.DurationMs, sent.HttpStatus,
                sent.Error, sent.ResponseBody, status, next));
            metrics.CallbackAttempt(delivery, status, sent.Error, started, sent.DurationMs);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Shutting down mid-send: the lease expires and another dispatcher sends it.
        }
        catch (Exception e)
        {
            // A fault after the send (one in it is an attempt: SendOnceAsync): said, not left to fault the wait for
            // in-flight sends at shutdown; the host keeps what its answer said. Only the metric follows the attempt's
            // queuing for recording, so it is never recorded twice; were it not queued, the lease would expire and the
            // delivery be sent again.
            LogDeliveryFailed(log, delivery.JobId, e);
        }
        finally
        {
            // The slot is free once the receiver answered (the delivery stays leased until its record commits): the
            // host's next waiting delivery takes it at once, and the loop hears of it for the others.
            gates.Exit(delivery.Host, host);
            _inFlight.TryRemove(delivery.Seq, out _);
            Interlocked.Decrement(ref _sending);
            handOff.Done();
            if (!stopping.IsCancellationRequested)
            {
                StartWaiting(delivery.Host);
            }
            // The loop starts other hosts' waiting deliveries (this dispatcher slot may be what they waited for), claims
            // more for this host once fewer than its slots wait, and hands a failing host's back.
            var waitingHere = _waiting.CountFor(delivery.Host);
            if (host == HostOutcome.Failed || _waiting.Count > waitingHere || (handOff.Behind && waitingHere < _options.PerHostConcurrency))
            {
                signals.Deliveries.Nudge();
            }
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

    /// <summary>Sends once. A fault on Boomerang's side (the sender turns every answer, timeout and transport error into
    /// a result; this is a stored row it cannot sign or build a request from, or a bug) is an attempt like a network error,
    /// so the retry policy ends one that repeats; left to the lease, it was sent again without end or attempt count. A
    /// shutdown is not: the lease expires and another dispatcher sends it.</summary>
    private async Task<SendResult> SendOnceAsync(DueDelivery delivery, CancellationToken stopping)
    {
        var clock = time.GetTimestamp();
        try
        {
            return await sender.SendAsync(delivery, stopping).ConfigureAwait(false);
        }
        catch (Exception e) when (!(e is OperationCanceledException && stopping.IsCancellationRequested))
        {
            LogSendFaulted(log, delivery.JobId, e);
            // Its type only: the job's owner reads this error, and the message (in the log above) may carry internals.
            return new SendResult(SendKind.Faulted, null, $"internal error in Boomerang: {e.GetType().Name}", null,
                null, time.GetElapsedTime(clock).TotalMilliseconds);
        }
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Debug, Message = "Callback for job {JobId} ({Event}) attempt {Attempt}: HTTP {HttpStatus}, now {Status} ({Why})")]
    private static partial void LogAttempt(ILogger logger, string jobId, string @event, int attempt, int? httpStatus, string status, VerdictReason? why);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Error, Message = "Callback dispatcher loop failed; retrying")]
    private static partial void LogLoopFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Warning, Message = "Stopping: {Count} waiting callbacks could not be handed back; their leases expire and any dispatcher sends them")]
    private static partial void LogReleaseFailed(ILogger logger, int count, Exception exception);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Error, Message = "Callback for job {JobId} could not be recorded; its lease will expire and it is sent again")]
    private static partial void LogDeliveryFailed(ILogger logger, string jobId, Exception exception);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Error, Message = "Callback for job {JobId} faulted in Boomerang while sending; recorded as a failed attempt")]
    private static partial void LogSendFaulted(ILogger logger, string jobId, Exception exception);
}
