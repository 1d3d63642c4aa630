using Boomerang.Server.Dashboard;

namespace Boomerang.Server.Storage.Postgres;

internal sealed partial class PostgresJobStore : IDashboardStore
{
    public Task<IReadOnlyDictionary<string, long>> CountByStatusAsync(string? tenantId, CancellationToken ct) => RunAsync(async c =>
    {
        await using var command = c.Command(tenantId is null
            ? "SELECT status, COUNT(*) FROM jobs GROUP BY status"
            : "SELECT status, COUNT(*) FROM jobs WHERE tenant_id = @t GROUP BY status", ("t", tenantId));
        await using var r = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        while (await r.ReadAsync(ct).ConfigureAwait(false))
        {
            counts[r.GetString(0)] = r.GetInt64(1);
        }
        return (IReadOnlyDictionary<string, long>)counts;
    }, ct);

    public Task<Finished> FinishedSinceAsync(string? tenantId, double since, CancellationToken ct) => RunAsync(async c =>
    {
        var tenant = tenantId is null ? "" : " AND tenant_id = @t";
        await using var command = c.Command($"""
            SELECT (SELECT COUNT(*) FROM jobs WHERE status IN ('completed', 'failed', 'canceled') AND finished_at >= @since{tenant}),
                   (SELECT COUNT(*) FROM deliveries WHERE status = 'success' AND finished_at >= @since{tenant})
            """, ("since", since), ("t", tenantId));
        await using var r = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        await r.ReadAsync(ct).ConfigureAwait(false);
        return new Finished(r.GetInt64(0), r.GetInt64(1));
    }, ct);

    public Task<JobPage> SearchAsync(DashboardQuery q, CancellationToken ct) => RunAsync(async c =>
    {
        var filters = $"""
            {(q.Kind is null ? "" : "AND kind = @k")} {(q.Search is null ? "" : "AND (id = @q OR idempotency_key = @q)")}
            """;
        var page = q.TenantId is null
            ? $"""
                SELECT * FROM jobs WHERE seq < @before {(q.Status is null ? "" : "AND status = @s")} {filters}
                ORDER BY seq DESC LIMIT @limit
                """
            : TenantPage(q.Status, filters);
        await using var command = c.Command(WithDeliveries(page), ("t", q.TenantId), ("s", q.Status), ("k", q.Kind),
            ("q", q.Search), ("before", q.BeforeSeq ?? long.MaxValue), ("limit", q.Limit + 1));
        await using var r = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var jobs = new List<JobRecord>(q.Limit + 1);
        while (await r.ReadAsync(ct).ConfigureAwait(false))
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
    }, ct);

    public Task<JobDetail?> GetDetailAsync(string jobId, CancellationToken ct) => RunAsync(async c =>
    {
        await using var command = c.Command("SELECT input, idempotency_key, wants_progress FROM jobs WHERE id = @id", ("id", jobId));
        await using var r = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        return await r.ReadAsync(ct).ConfigureAwait(false)
            ? new JobDetail(r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1), r.GetBoolean(2))
            : null;
    }, ct);

    public Task<IReadOnlyList<HostErrors>> HostErrorsAsync(string? tenantId, int window, CancellationToken ct) => RunAsync(async c =>
    {
        var sql = $"""
            WITH recent AS (
                SELECT seq, host, status, last_error, http_status FROM deliveries
                {(tenantId is null ? "" : "WHERE tenant_id = @t")} ORDER BY seq DESC LIMIT @window),
            failing AS (
                SELECT *, ROW_NUMBER() OVER (PARTITION BY host ORDER BY seq DESC) AS n FROM recent
                WHERE last_error IS NOT NULL AND status IN ('pending', 'failed'))
            SELECT host, COUNT(*) FILTER (WHERE status = 'pending')::int, COUNT(*) FILTER (WHERE status = 'failed')::int,
                   MAX(CASE WHEN n = 1 THEN last_error END), MAX(CASE WHEN n = 1 THEN http_status END)
            FROM failing GROUP BY host ORDER BY MAX(seq) DESC
            """;
        await using var command = c.Command(sql, ("t", tenantId), ("window", window));
        await using var r = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var hosts = new List<HostErrors>();
        while (await r.ReadAsync(ct).ConfigureAwait(false))
        {
            hosts.Add(new HostErrors(r.GetString(0), r.GetInt32(1), r.GetInt32(2), r.IsDBNull(3) ? null : r.GetString(3),
                r.IsDBNull(4) ? null : r.GetInt32(4)));
        }
        return (IReadOnlyList<HostErrors>)hosts;
    }, ct);
}
