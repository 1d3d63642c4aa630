using System.Diagnostics.Metrics;
using Boomerang.Server.Callbacks;
using Boomerang.Server.Storage;

namespace Boomerang.Server.Metrics;

/// <summary>
/// Gauges read from shared state: queue depth and running jobs across the cluster (from the store, refreshed at each
/// scrape and every 15 s for OTLP), and the circuit state of each callback host this process tracks.
/// </summary>
internal sealed partial class StoreGauges : BackgroundService
{
    private static readonly TimeSpan MinAge = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(15);

    private readonly IJobCounts? _counts;
    private readonly TimeProvider _time;
    private readonly ILogger<StoreGauges> _log;
    private readonly SemaphoreSlim _refresh = new(1);
    private long _pending = -1;
    private long _inProgress = -1;
    private DateTimeOffset _sampledAt = DateTimeOffset.MinValue;

    public StoreGauges(IJobStore store, HostGates gates, BoomerangMetrics metrics, TimeProvider time, ILogger<StoreGauges> log)
    {
        // A store without counts (none today) leaves the store gauges out rather than showing a made-up 0.
        _counts = store as IJobCounts;
        _time = time;
        _log = log;
        var meter = metrics.Meter;
        if (_counts is not null)
        {
            meter.CreateObservableGauge("boomerang_jobs_queued", () => Observe(ref _pending), null, "Pending jobs in the store (all tenants, all nodes): the queue depth");
            meter.CreateObservableGauge("boomerang_jobs_in_progress", () => Observe(ref _inProgress), null, "Running jobs in the store (all tenants, all nodes)");
            // The seed's names for its Dedup2D queue. Searches wait in the one queue every kind shares, so its depth is
            // what stands ahead of a new search: the same figures.
            meter.CreateObservableGauge("dedup2d_jobs_queued", () => Observe(ref _pending), null, "Pending jobs in the store, every kind: the queue a Dedup2D search waits in");
            meter.CreateObservableGauge("dedup2d_job_queue_depth", () => Observe(ref _pending), null, "The seed's name for dedup2d_jobs_queued");
            meter.CreateObservableGauge("dedup2d_jobs_active", () => Observe(ref _inProgress), null, "Running jobs in the store, every kind");
        }
        meter.CreateObservableGauge("boomerang_callback_circuit_state", () => gates.Snapshot().Select(h =>
            new Measurement<int>((int)h.State, new KeyValuePair<string, object?>("host", h.Host))), null,
            "Circuit of each callback host being tracked (requests in flight, answers in the last seconds, failures with a request in the last 10 minutes, or an open circuit): 0 closed, 1 open (paused), 2 half-open (one probe); other hosts have no series");
        meter.CreateObservableGauge("boomerang_callback_host_failures", () => gates.Snapshot().Select(h =>
            new Measurement<int>(h.Failures, new KeyValuePair<string, object?>("host", h.Host))), null,
            "Failures in a row of each callback host being tracked");
    }

    /// <summary>Reads the store unless the figures are under a second old; a failed read keeps the last figures.</summary>
    public async Task RefreshAsync(CancellationToken ct)
    {
        if (_counts is null || _time.GetUtcNow() - _sampledAt < MinAge)
        {
            return;
        }
        await _refresh.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_time.GetUtcNow() - _sampledAt < MinAge)
            {
                return;
            }
            var (pending, inProgress) = await _counts.CountActiveAsync(ct).ConfigureAwait(false);
            Interlocked.Exchange(ref _pending, pending);
            Interlocked.Exchange(ref _inProgress, inProgress);
            _sampledAt = _time.GetUtcNow();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogSampleFailed(_log, e);
        }
        finally
        {
            _refresh.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            await RefreshAsync(stoppingToken).ConfigureAwait(false);
            try
            {
                await Task.Delay(Period, _time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    // Nothing until the first successful read: a gauge with no sample says "unknown", not "0".
    private static IEnumerable<Measurement<long>> Observe(ref long field)
    {
        var value = Interlocked.Read(ref field);
        return value < 0 ? [] : [new Measurement<long>(value)];
    }

    [LoggerMessage(EventId = 7001, Level = LogLevel.Warning, Message = "Metrics: could not count jobs in the store; the gauges keep their last figures")]
    private static partial void LogSampleFailed(ILogger logger, Exception exception);
}
