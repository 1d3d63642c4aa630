using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.Json;
using Boomerang.Jobs;
using Boomerang.Server.Storage;

namespace Boomerang.Server.Metrics;

/// <summary>
/// Boomerang's meter and every instrument in it, Dedup2D's included (<see cref="Dedup2D"/>). Components call one method
/// per event; names are Prometheus-style, as <c>/metrics</c> shows them (the exporter adds <c>_total</c> to counters).
/// </summary>
internal sealed class BoomerangMetrics
{
    public const string MeterName = "Boomerang";

    private static readonly double[] DurationBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];

    private readonly Counter<long> _submitted;
    private readonly Counter<long> _queueFull;
    private readonly Counter<long> _started;
    private readonly Counter<long> _finished;
    private readonly Histogram<double> _jobDuration;
    private readonly UpDownCounter<long> _running;
    private readonly Counter<long> _callbacks;
    private readonly Counter<long> _retries;
    private readonly Counter<long> _blocked;
    private readonly Histogram<double> _callbackLatency;
    private readonly Histogram<double> _attemptDuration;
    private readonly Counter<long> _storeErrors;

    public BoomerangMetrics(IMeterFactory factory)
    {
        Meter = factory.Create(MeterName);
        _submitted = Meter.CreateCounter<long>("boomerang_jobs_submitted", null, "Jobs accepted (new, not idempotent repeats), by kind");
        _queueFull = Meter.CreateCounter<long>("boomerang_jobs_queue_full", null, "Submissions refused with 429 because MaxActive jobs were pending or running");
        _started = Meter.CreateCounter<long>("boomerang_jobs_started", null, "Job runs started by this process's worker, by kind (a rescued job starts again)");
        _finished = Meter.CreateCounter<long>("boomerang_jobs_finished", null, "Job runs finished by this process's worker, by kind and status (completed, failed, canceled)");
        _jobDuration = Meter.CreateHistogram("boomerang_job_duration", "s", "Run time of finished jobs, by kind and status",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        _running = Meter.CreateUpDownCounter<long>("boomerang_jobs_active", null, "Jobs running in this process now");
        _callbacks = Meter.CreateCounter<long>("boomerang_callbacks", null,
            "Callback delivery attempts, by event and outcome: success, retry (will be tried again), failed (given up or refused), blocked (URL not allowed at send)");
        _retries = Meter.CreateCounter<long>("boomerang_callback_retries", null, "Callback attempts that failed and were scheduled again, by event");
        _blocked = Meter.CreateCounter<long>("boomerang_callback_blocked", null,
            "Callback URLs refused by the URL policy, by stage: submit (400 to the client) or send (re-checked at delivery)");
        _callbackLatency = Meter.CreateHistogram("boomerang_callback_latency", "s",
            "From a job's finish to its receiver's 2xx answer to the terminal callback (retries included), by event",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        _attemptDuration = Meter.CreateHistogram("boomerang_callback_attempt_duration", "s", "Duration of one callback HTTP attempt, by outcome",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        _storeErrors = Meter.CreateCounter<long>("boomerang_store_errors", null,
            "Store operations that failed, by where: api (answered 503) or a background loop (worker, dispatcher; retried)");
        Dedup2D = new Dedup2DMetrics(Meter);
    }

    public Meter Meter { get; }

    /// <summary>The seed's metric names (reference §10), for the Dedup2D routes.</summary>
    public Dedup2DMetrics Dedup2D { get; }

    public void JobsSubmitted(IReadOnlyList<NewJob> jobs, IReadOnlyList<SubmitOutcome> outcomes)
    {
        for (var i = 0; i < outcomes.Count; i++)
        {
            if (outcomes[i].Result == SubmitResult.Created)
            {
                _submitted.Add(1, new KeyValuePair<string, object?>("kind", jobs[i].Kind));
            }
            else if (outcomes[i].Result == SubmitResult.QueueFull)
            {
                _queueFull.Add(1);
            }
        }
    }

    /// <summary>A worker starts a job; returns the timestamp <see cref="JobEnded"/> measures from.</summary>
    public long JobStarted(string kind)
    {
        _started.Add(1, new KeyValuePair<string, object?>("kind", kind));
        _running.Add(1);
        return Stopwatch.GetTimestamp();
    }

    /// <summary>A run ended; <paramref name="status"/> is null when it ended without an outcome (shutdown, lease lost).</summary>
    public void JobEnded(string kind, string? status, long startedTimestamp)
    {
        _running.Add(-1);
        if (status is null)
        {
            return;
        }
        var tags = new TagList { { "kind", kind }, { "status", status } };
        _finished.Add(1, tags);
        _jobDuration.Record(Stopwatch.GetElapsedTime(startedTimestamp).TotalSeconds, tags);
    }

    /// <summary>One delivery attempt and the state it left the delivery in.</summary>
    public void CallbackAttempt(DueDelivery delivery, string newStatus, string? error, double startedAt, double durationMs)
    {
        var outcome = error?.StartsWith("callback_url ", StringComparison.Ordinal) == true ? "blocked"
            : newStatus == CallbackStatus.Success ? "success"
            : newStatus == CallbackStatus.Pending ? "retry"
            : "failed";
        _callbacks.Add(1, new KeyValuePair<string, object?>("event", delivery.Event), new KeyValuePair<string, object?>("outcome", outcome));
        _attemptDuration.Record(durationMs / 1000, new KeyValuePair<string, object?>("outcome", outcome));
        Dedup2D.CallbackAttempt(outcome, durationMs / 1000);
        switch (outcome)
        {
            case "retry":
                _retries.Add(1, new KeyValuePair<string, object?>("event", delivery.Event));
                break;
            case "blocked":
                CallbackBlocked("send");
                break;
            case "success" when delivery.Event != CallbackEvent.Progress && FinishedAt(delivery.Payload) is { } finished:
                _callbackLatency.Record(Math.Max(0, startedAt + durationMs / 1000 - finished), new KeyValuePair<string, object?>("event", delivery.Event));
                break;
        }
    }

    public void CallbackBlocked(string stage)
    {
        _blocked.Add(1, new KeyValuePair<string, object?>("stage", stage));
        Dedup2D.CallbackBlocked();
    }

    /// <summary>Counts a failure if it came from the store (unavailable, or a database error).</summary>
    public void StoreError(string where, Exception e)
    {
        if (e is StoreUnavailableException or System.Data.Common.DbException)
        {
            _storeErrors.Add(1, new KeyValuePair<string, object?>("where", where));
        }
    }

    // The terminal payload carries the job's finished_at (epoch seconds); read just that field.
    private static double? FinishedAt(byte[] payload)
    {
        var reader = new Utf8JsonReader(payload);
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals("finished_at"u8))
                {
                    reader.Read();
                    return reader.TokenType == JsonTokenType.Number ? reader.GetDouble() : null;
                }
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && reader.CurrentDepth > 0)
                {
                    reader.Skip();
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON: no latency to record.
        }
        return null;
    }
}
