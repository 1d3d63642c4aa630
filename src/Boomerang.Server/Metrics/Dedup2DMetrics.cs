using System.Diagnostics.Metrics;

namespace Boomerang.Server.Metrics;

/// <summary>
/// The seed's Dedup2D metric names (reference §10), in Boomerang's meter, for the Dedup2D routes to call. Every name is
/// present in <c>/metrics</c> from the start (at 0), as the seed's metrics-contract test expects. The seed's queue gauges
/// (<c>dedup2d_jobs_queued</c>, <c>dedup2d_jobs_active</c>, <c>dedup2d_job_queue_depth</c>) read the store, in
/// <see cref="StoreGauges"/>, and appear with its first count, within a second of the start.
/// </summary>
internal sealed class Dedup2DMetrics
{
    private readonly Counter<long> _jobs;
    private readonly Histogram<double> _jobDuration;
    private readonly Counter<long> _cancel;
    private readonly Counter<long> _queueFull;
    private readonly Counter<long> _accessDenied;
    private readonly Counter<long> _searchMode;
    private readonly Counter<long> _payloadFormat;
    private readonly Counter<long> _legacyB64;
    private readonly Counter<long> _submitted;
    private readonly Counter<long> _completed;
    private readonly Counter<long> _callbacks;
    private readonly Histogram<double> _callbackDuration;
    private readonly Counter<long> _callbackRetries;
    private readonly Counter<long> _callbackBlocked;

    public Dedup2DMetrics(Meter meter)
    {
        _jobs = meter.CreateCounter<long>("dedup2d_jobs", null, "Dedup2D async jobs finished, by status");
        _jobDuration = meter.CreateHistogram<double>("dedup2d_job_duration", "s", "Dedup2D async job run time, by status");
        _cancel = meter.CreateCounter<long>("dedup2d_cancel", null, "Dedup2D cancel requests, by result: success, not_found, forbidden");
        _queueFull = meter.CreateCounter<long>("dedup2d_queue_full", null, "Dedup2D submissions refused because the queue was full");
        _accessDenied = meter.CreateCounter<long>("dedup2d_tenant_access_denied", null, "Dedup2D job reads or cancels of another tenant's job, by operation: get, cancel");
        _searchMode = meter.CreateCounter<long>("dedup2d_search_mode", null, "Dedup2D searches, by mode");
        _payloadFormat = meter.CreateCounter<long>("dedup2d_payload_format", null,
            "Dedup2D job payload formats seen by the worker: file_ref_only, file_ref_and_b64, b64_only, unknown");
        _legacyB64 = meter.CreateCounter<long>("dedup2d_legacy_b64_fallback", null, "Dedup2D jobs that fell back to the legacy base64 payload");
        _submitted = meter.CreateCounter<long>("dedup2d_jobs_submitted", null, "Dedup2D async jobs submitted");
        _completed = meter.CreateCounter<long>("dedup2d_jobs_completed", null, "Dedup2D async jobs completed");
        _callbacks = meter.CreateCounter<long>("dedup2d_callbacks", null, "Callback attempts (all jobs), by outcome");
        _callbackDuration = meter.CreateHistogram<double>("dedup2d_callback_duration", "s", "Callback attempt duration (all jobs)");
        _callbackRetries = meter.CreateCounter<long>("dedup2d_callback_retries", null, "Callback attempts scheduled again (all jobs)");
        _callbackBlocked = meter.CreateCounter<long>("dedup2d_callback_blocked", null, "Callback URLs refused by the URL policy (all jobs)");
        // Present at 0 before the first event, as the seed's declared metrics were.
        foreach (var counter in new[] { _jobs, _cancel, _queueFull, _accessDenied, _searchMode, _payloadFormat, _legacyB64, _submitted, _completed,
            _callbacks, _callbackRetries, _callbackBlocked })
        {
            counter.Add(0);
        }
    }

    public void JobSubmitted() => _submitted.Add(1);

    public void JobFinished(string status, double seconds)
    {
        _jobs.Add(1, new KeyValuePair<string, object?>("status", status));
        _jobDuration.Record(seconds, new KeyValuePair<string, object?>("status", status));
        if (status == "completed")
        {
            _completed.Add(1);
        }
    }

    /// <summary><paramref name="result"/>: success, not_found or forbidden.</summary>
    public void Cancel(string result) => _cancel.Add(1, new KeyValuePair<string, object?>("result", result));

    public void QueueFull() => _queueFull.Add(1);

    /// <summary><paramref name="operation"/>: get or cancel.</summary>
    public void TenantAccessDenied(string operation) => _accessDenied.Add(1, new KeyValuePair<string, object?>("operation", operation));

    public void SearchMode(string mode) => _searchMode.Add(1, new KeyValuePair<string, object?>("mode", mode));

    /// <summary><paramref name="format"/>: file_ref_only, file_ref_and_b64, b64_only or unknown.</summary>
    public void PayloadFormat(string format) => _payloadFormat.Add(1, new KeyValuePair<string, object?>("format", format));

    internal void CallbackAttempt(string outcome, double seconds)
    {
        _callbacks.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
        _callbackDuration.Record(seconds);
        if (outcome == "retry")
        {
            _callbackRetries.Add(1);
        }
    }

    internal void CallbackBlocked() => _callbackBlocked.Add(1);
}
