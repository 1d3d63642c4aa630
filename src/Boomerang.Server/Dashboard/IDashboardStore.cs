using Boomerang.Server.Storage;

namespace Boomerang.Server.Dashboard;

/// <summary>A jobs-list query: null tenant means every tenant (admin); <see cref="Search"/> matches a job id or an idempotency key exactly.</summary>
internal sealed record DashboardQuery(string? TenantId, string? Status, string? Kind, string? Search, long? BeforeSeq, int Limit);

/// <summary>What the job page shows beyond the API's view.</summary>
internal sealed record JobDetail(string InputJson, string? IdempotencyKey, bool WantsProgress);

/// <summary>A callback destination with errors among the recent deliveries.</summary>
internal sealed record HostErrors(string Host, int Retrying, int Failed, string? LastError, int? LastHttpStatus);

/// <summary>Jobs that finished and callbacks delivered since a time, for a rate over the last minutes.</summary>
internal sealed record Finished(long Jobs, long Callbacks);

/// <summary>The reads the dashboard needs; each store implements them in its <c>*.Dashboard.cs</c> partial file.</summary>
internal interface IDashboardStore
{
    /// <summary>Jobs per status for one tenant, or all when <paramref name="tenantId"/> is null.</summary>
    Task<IReadOnlyDictionary<string, long>> CountByStatusAsync(string? tenantId, CancellationToken ct);

    /// <summary>Newest first, keyset-paged on <c>seq</c> (fast at any depth).</summary>
    /// <summary>Jobs finished (any terminal status) and callbacks delivered at or after <paramref name="since"/> (epoch
    /// seconds), for one tenant or all; both read partial indexes on <c>finished_at</c>.</summary>
    Task<Finished> FinishedSinceAsync(string? tenantId, double since, CancellationToken ct);

    Task<JobPage> SearchAsync(DashboardQuery query, CancellationToken ct);

    Task<JobDetail?> GetDetailAsync(string jobId, CancellationToken ct);

    /// <summary>Hosts with a retrying or failed delivery among the latest <paramref name="window"/> deliveries of the scope.</summary>
    Task<IReadOnlyList<HostErrors>> HostErrorsAsync(string? tenantId, int window, CancellationToken ct);
}
