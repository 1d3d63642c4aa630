namespace Boomerang.Server.Metrics;

/// <summary>Job counts the metrics and the dashboard show; implemented by each store in a <c>*.Counts.cs</c> partial file.</summary>
internal interface IJobCounts
{
    /// <summary>Pending and in-progress jobs across all tenants (indexed; cheap at any table size).</summary>
    Task<(long Pending, long InProgress)> CountActiveAsync(CancellationToken ct);
}
