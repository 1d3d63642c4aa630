using System.Net;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Boomerang.Jobs;

namespace Boomerang.Client;

/// <summary>
/// Typed client for the Boomerang jobs API. Every call sends <c>X-API-Key</c> from the options and throws
/// <see cref="BoomerangApiException"/> for an error answer. Register it with <c>services.AddBoomerangClient(…)</c>,
/// or construct it over your own <see cref="HttpClient"/>.
/// </summary>
public sealed class BoomerangClient
{
    private const string Jobs = "api/v1/jobs";
    private static readonly TimeSpan FirstWaitPoll = TimeSpan.FromMilliseconds(100);

    private readonly HttpClient _http;
    private readonly BoomerangClientOptions _options;
    private readonly TimeProvider _time;

    /// <summary>Creates a client that sends its requests through <paramref name="httpClient"/>.</summary>
    /// <param name="httpClient">The transport. Its <see cref="HttpClient.BaseAddress"/> is used when the options have none.</param>
    /// <param name="options">Base address and API key.</param>
    /// <param name="timeProvider">The clock <see cref="WaitAsync"/> waits on; the system clock when null.</param>
    public BoomerangClient(HttpClient httpClient, BoomerangClientOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(options);
        _http = httpClient;
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        var baseAddress = options.BaseAddress ?? httpClient.BaseAddress
            ?? throw new ArgumentException("BoomerangClientOptions.BaseAddress (or HttpClient.BaseAddress) is required", nameof(options));
        // Relative paths resolve under the base address only when it ends with '/'.
        BaseAddress = baseAddress.AbsoluteUri.EndsWith('/') ? baseAddress : new Uri(baseAddress.AbsoluteUri + "/");
    }

    /// <summary>The server address requests go to.</summary>
    public Uri BaseAddress { get; }

    /// <summary>Submits one job (<c>POST /api/v1/jobs</c>).</summary>
    /// <returns>The job; <see cref="SubmittedJob.Created"/> is false when its idempotency key matched an existing job.</returns>
    public async Task<SubmittedJob> SubmitAsync(SubmitJobRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var response = await SendAsync(HttpMethod.Post, Jobs, request, cancellationToken).ConfigureAwait(false);
        var body = await ReadAsync<SubmitJobResponse>(response, cancellationToken).ConfigureAwait(false);
        return new SubmittedJob(body.JobId, body.Status, body.PollUrl, response.StatusCode == HttpStatusCode.Accepted);
    }

    /// <summary>
    /// Submits up to the server's batch limit of jobs in one request (<c>POST /api/v1/jobs/batch</c>). Items fail
    /// independently: each result carries the status the item would have had alone, and its error.
    /// </summary>
    public async Task<SubmitBatchResponse> SubmitBatchAsync(IReadOnlyList<SubmitJobRequest> jobs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        using var response = await SendAsync(HttpMethod.Post, $"{Jobs}/batch", new SubmitBatchRequest(jobs), cancellationToken).ConfigureAwait(false);
        return await ReadAsync<SubmitBatchResponse>(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads a job (<c>GET /api/v1/jobs/{id}</c>), with its result and callback delivery state.</summary>
    public async Task<JobView> GetAsync(string jobId, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Get, JobPath(jobId), null, cancellationToken).ConfigureAwait(false);
        return await ReadAsync<JobView>(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads one page of the caller's jobs, newest first (<c>GET /api/v1/jobs</c>).</summary>
    /// <param name="status">Only jobs in this status (see <see cref="JobStatus"/>); all when null.</param>
    /// <param name="limit">Page size, 1..200; the server's default (50) when null.</param>
    /// <param name="cursor">A <see cref="JobListResponse.NextCursor"/> from the previous page.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public async Task<JobListResponse> ListAsync(string? status = null, int? limit = null, string? cursor = null, CancellationToken cancellationToken = default)
    {
        var query = new List<string>(3);
        if (status is not null) { query.Add($"status={Uri.EscapeDataString(status)}"); }
        if (limit is { } l) { query.Add($"limit={l.ToString(System.Globalization.CultureInfo.InvariantCulture)}"); }
        if (cursor is not null) { query.Add($"cursor={Uri.EscapeDataString(cursor)}"); }
        var path = query.Count == 0 ? Jobs : $"{Jobs}?{string.Join('&', query)}";
        using var response = await SendAsync(HttpMethod.Get, path, null, cancellationToken).ConfigureAwait(false);
        return await ReadAsync<JobListResponse>(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every job of the caller, newest first, following the cursor page by page.</summary>
    public async IAsyncEnumerable<JobView> ListAllAsync(string? status = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string? cursor = null;
        do
        {
            var page = await ListAsync(status, 200, cursor, cancellationToken).ConfigureAwait(false);
            foreach (var job in page.Jobs)
            {
                yield return job;
            }
            cursor = page.NextCursor;
        }
        while (cursor is not null);
    }

    /// <summary>
    /// Asks for a job to be canceled (<c>POST /api/v1/jobs/{id}/cancel</c>). A pending job is canceled at once, a running
    /// one when its handler stops; a finished job is left as it is. The answer is the same in every case.
    /// </summary>
    public async Task<CancelJobResponse> CancelAsync(string jobId, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Post, $"{JobPath(jobId)}/cancel", null, cancellationToken).ConfigureAwait(false);
        return await ReadAsync<CancelJobResponse>(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Lists the attempts to deliver a job's callbacks (<c>GET /api/v1/jobs/{id}/deliveries</c>).</summary>
    public async Task<DeliveryListResponse> GetDeliveriesAsync(string jobId, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Get, $"{JobPath(jobId)}/deliveries", null, cancellationToken).ConfigureAwait(false);
        return await ReadAsync<DeliveryListResponse>(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Queues a finished job's terminal callback again (<c>POST /api/v1/jobs/{id}/callback/redeliver</c>), with the same
    /// webhook id so the receiver can tell it is a repeat. Throws with status 409 when the job has no callback URL or
    /// has not finished.
    /// </summary>
    public async Task<RedeliverResponse> RedeliverAsync(string jobId, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Post, $"{JobPath(jobId)}/callback/redeliver", null, cancellationToken).ConfigureAwait(false);
        return await ReadAsync<RedeliverResponse>(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Polls a job until it is completed, failed or canceled and returns it. The pause between polls starts at
    /// 100 ms and doubles up to <see cref="BoomerangClientOptions.MaxWaitPollIntervalSeconds"/>. Bound the wait with
    /// <paramref name="cancellationToken"/>.
    /// </summary>
    public async Task<JobView> WaitAsync(string jobId, CancellationToken cancellationToken = default)
    {
        var max = TimeSpan.FromSeconds(_options.MaxWaitPollIntervalSeconds);
        var delay = FirstWaitPoll < max ? FirstWaitPoll : max;
        while (true)
        {
            var job = await GetAsync(jobId, cancellationToken).ConfigureAwait(false);
            if (JobStatus.IsFinished(job.Status))
            {
                return job;
            }
            await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            delay = delay * 2 < max ? delay * 2 : max;
        }
    }

    private static string JobPath(string jobId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(jobId);
        return $"{Jobs}/{Uri.EscapeDataString(jobId)}";
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, new Uri(BaseAddress, path));
        if (_options.ApiKey is { Length: > 0 } key)
        {
            request.Headers.Add("X-API-Key", key);
        }
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: BoomerangJson.Options);
        }
        var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            using (response)
            {
                throw await ApiErrorReader.ReadAsync(response, ct).ConfigureAwait(false);
            }
        }
        return response;
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync<T>(BoomerangJson.Options, ct).ConfigureAwait(false)
                ?? throw new JsonException("the body was null");
        }
        catch (JsonException e)
        {
            throw new BoomerangApiException(response.StatusCode, null, $"unexpected answer from the server: {e.Message}");
        }
    }
}
