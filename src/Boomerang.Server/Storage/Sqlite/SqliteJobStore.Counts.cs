using Boomerang.Server.Metrics;

namespace Boomerang.Server.Storage.Sqlite;

internal sealed partial class SqliteJobStore : IJobCounts
{
    // Both counts use the partial indexes jobs_pending and jobs_running.
    public Task<(long Pending, long InProgress)> CountActiveAsync(CancellationToken ct) => Read(c =>
    {
        using var r = c.Command("""
            SELECT (SELECT COUNT(*) FROM jobs WHERE status = 'pending'), (SELECT COUNT(*) FROM jobs WHERE status = 'in_progress')
            """).ExecuteReader();
        r.Read();
        return (r.GetInt64(0), r.GetInt64(1));
    });
}
