using Boomerang.Server.Dashboard;

namespace Boomerang.Server.Storage.Sqlite;

internal sealed partial class SqliteJobStore : IDashboardStore
{
    public Task<IReadOnlyDictionary<string, long>> CountByStatusAsync(string? tenantId, CancellationToken ct) => Read(c =>
    {
        // Per tenant this reads the (tenant_id, status, seq) index only.
        using var r = c.Command(tenantId is null
            ? "SELECT status, COUNT(*) FROM jobs GROUP BY status"
            : "SELECT status, COUNT(*) FROM jobs WHERE tenant_id = $t GROUP BY status", ("$t", tenantId)).ExecuteReader();
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        while (r.Read())
        {
            counts[r.GetString(0)] = r.GetInt64(1);
        }
        return (IReadOnlyDictionary<string, long>)counts;
    });

    public Task<JobPage> SearchAsync(DashboardQuery q, CancellationToken ct) => Read(c =>
    {
        var sql = $"SELECT {JobColumns} WHERE 1 = 1"
            + (q.TenantId is null ? "" : " AND j.tenant_id = $t")
            + (q.Status is null ? "" : " AND j.status = $s")
            + (q.Kind is null ? "" : " AND j.kind = $k")
            + (q.Search is null ? "" : " AND (j.id = $q OR j.idempotency_key = $q)")
            + (q.BeforeSeq is null ? "" : " AND j.seq < $before")
            + " ORDER BY j.seq DESC LIMIT $limit";
        using var r = c.Command(sql, ("$t", q.TenantId), ("$s", q.Status), ("$k", q.Kind), ("$q", q.Search), ("$before", q.BeforeSeq),
            ("$limit", q.Limit + 1)).ExecuteReader();
        var jobs = new List<JobRecord>(q.Limit + 1);
        while (r.Read())
        {
            jobs.Add(JobRecordReader.Read(r));
        }
        long? next = null;
        if (jobs.Count > q.Limit)
        {
            jobs.RemoveAt(q.Limit);
            next = jobs[^1].Seq;
        }
        return new JobPage(jobs, next);
    });

    public Task<JobDetail?> GetDetailAsync(string jobId, CancellationToken ct) => Read(c =>
    {
        using var r = c.Command("SELECT input, idempotency_key, wants_progress FROM jobs WHERE id = $id", ("$id", jobId)).ExecuteReader();
        return r.Read() ? new JobDetail(r.GetString(0), r.NullableString(1), r.GetInt64(2) != 0) : null;
    });

    public Task<IReadOnlyList<HostErrors>> HostErrorsAsync(string? tenantId, int window, CancellationToken ct) => Read(c =>
    {
        var sql = $"""
            WITH recent AS (
                SELECT seq, host, status, last_error, http_status FROM deliveries
                {(tenantId is null ? "" : "WHERE tenant_id = $t")} ORDER BY seq DESC LIMIT $window),
            failing AS (
                SELECT *, ROW_NUMBER() OVER (PARTITION BY host ORDER BY seq DESC) AS n FROM recent
                WHERE last_error IS NOT NULL AND status IN ('pending', 'failed'))
            SELECT host, SUM(status = 'pending'), SUM(status = 'failed'),
                   MAX(CASE WHEN n = 1 THEN last_error END), MAX(CASE WHEN n = 1 THEN http_status END)
            FROM failing GROUP BY host ORDER BY MAX(seq) DESC
            """;
        using var r = c.Command(sql, ("$t", tenantId), ("$window", window)).ExecuteReader();
        var hosts = new List<HostErrors>();
        while (r.Read())
        {
            hosts.Add(new HostErrors(r.GetString(0), r.GetInt32(1), r.GetInt32(2), r.NullableString(3), r.NullableInt(4)));
        }
        return (IReadOnlyList<HostErrors>)hosts;
    });
}
