using Boomerang.Server.Metrics;

namespace Boomerang.Server.Storage.Sqlite;

internal sealed partial class SqliteJobStore : IJobCounts
{
    // Both counts use the partial indexes jobs_pending and jobs_running.
    public Task<(long Pending, long InProgress)> CountActiveAsync(CancellationToken ct) => ReadAsync(async (c, ct) =>
    {
        await using var command = c.Command("""
            SELECT (SELECT COUNT(*) FROM jobs WHERE status = 'pending'), (SELECT COUNT(*) FROM jobs WHERE status = 'in_progress')
            """);
        await using var r = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        await r.ReadAsync(ct).ConfigureAwait(false);
        return (r.GetInt64(0), r.GetInt64(1));
    }, ct);
}
