using System.Globalization;
using Boomerang.Jobs;
using Boomerang.Server.Dashboard;
using StackExchange.Redis;

namespace Boomerang.Server.Storage.Redis;

/// <summary>
/// The dashboard's reads, from the indexes the scripts keep (<see cref="RedisKeys"/>): status counts from the tenant's
/// per-status sets (ZCARD) or the <c>counts</c> hash, rates from the <c>finished</c> and <c>delivered</c> sorted sets (ZCOUNT), the jobs list from
/// <c>jobs</c> or the tenant's set newest first, host errors from the latest entries of <c>deliveries</c>.
/// </summary>
internal sealed partial class RedisJobStore : IDashboardStore
{
    private static readonly string[] Statuses = [JobStatus.Pending, JobStatus.InProgress, JobStatus.Completed, JobStatus.Failed, JobStatus.Canceled];

    public Task<IReadOnlyDictionary<string, long>> CountByStatusAsync(string? tenantId, CancellationToken ct) =>
        ReadAsync<IReadOnlyDictionary<string, long>>(async db =>
        {
            if (tenantId is not null)
            {
                var sizes = await Task.WhenAll(Statuses.Select(s => db.SortedSetLengthAsync(keys.InStatus(tenantId, s)))).ConfigureAwait(false);
                return Statuses.Zip(sizes).Where(x => x.Second > 0).ToDictionary(x => x.First, x => x.Second, StringComparer.Ordinal);
            }
            var entries = await db.HashGetAllAsync(keys.Counts).ConfigureAwait(false);
            var counts = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var e in entries)
            {
                // A field edited by hand into something that is not a positive count is left out, not an error.
                if (long.TryParse((string?)e.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0)
                {
                    counts[(string)e.Name!] = n;
                }
            }
            return counts;
        }, ct);

    public Task<Finished> FinishedSinceAsync(string? tenantId, double since, CancellationToken ct) => ReadAsync(async db =>
    {
        var jobs = db.SortedSetLengthAsync(keys.Finished(tenantId), since);
        var callbacks = db.SortedSetLengthAsync(keys.Delivered(tenantId), since);
        return new Finished(await jobs.ConfigureAwait(false), await callbacks.ConfigureAwait(false));
    }, ct);

    /// <summary>A search (job id or idempotency key) reads those jobs directly; otherwise the index is walked newest first
    /// a chunk at a time, keeping jobs that match status and kind, until a page and one more are found.</summary>
    public Task<JobPage> SearchAsync(DashboardQuery q, CancellationToken ct) => ReadAsync(async db =>
    {
        var fetch = JobLifecycle.PageFetch(q.Limit);
        bool Matches(string? tenant, string? status, string? kind, long seq) =>
            seq > 0 && (q.TenantId is null || tenant == q.TenantId) && (q.Status is null || status == q.Status)
            && (q.Kind is null || (kind ?? "dedup2d") == q.Kind) && (q.BeforeSeq is not { } before || seq < before);
        var picked = new List<string>(fetch);
        if (q.Search is { } search)
        {
            var candidates = new HashSet<string>(await IdsByKeyAsync(db, q.TenantId, search).ConfigureAwait(false), StringComparer.Ordinal) { search };
            var ordered = candidates.ToList();
            var rows = await Task.WhenAll(ordered.Select(id => db.HashGetAsync(keys.Job(id), ["tenant_id", "status", "kind", "seq"]))).ConfigureAwait(false);
            picked.AddRange(ordered.Select((id, i) => (id, f: rows[i], seq: SeqOf(rows[i][3])))
                .Where(x => Matches((string?)x.f[0], (string?)x.f[1], (string?)x.f[2], x.seq)).OrderByDescending(x => x.seq).Take(fetch).Select(x => x.id));
        }
        else
        {
            double upper = q.BeforeSeq is { } b ? b : double.PositiveInfinity;
            var exclude = q.BeforeSeq is null ? Exclude.None : Exclude.Stop;
            var chunk = Math.Max(100, 3 * fetch);
            // A tenant's jobs in one status have an index of their own; otherwise the tenant's (or every) job is walked.
            var index = q.TenantId is { } t && q.Status is { } s ? keys.InStatus(t, s) : keys.Jobs(q.TenantId);
            while (picked.Count < fetch)
            {
                ct.ThrowIfCancellationRequested();
                var entries = await db.SortedSetRangeByScoreWithScoresAsync(index, double.NegativeInfinity, upper, exclude,
                    Order.Descending, 0, chunk).ConfigureAwait(false);
                if (entries.Length == 0)
                {
                    break;
                }
                (upper, exclude) = (entries[^1].Score, Exclude.Stop);
                var ids = entries.Select(e => (string)e.Element!).ToList();
                var rows = await Task.WhenAll(ids.Select(id => db.HashGetAsync(keys.Job(id), ["tenant_id", "status", "kind", "seq"]))).ConfigureAwait(false);
                picked.AddRange(ids.Where((_, i) => Matches((string?)rows[i][0], (string?)rows[i][1], (string?)rows[i][2], SeqOf(rows[i][3]))).Take(fetch - picked.Count));
                if (entries.Length < chunk)
                {
                    break;
                }
            }
        }
        return JobLifecycle.Page(await LoadAsync(db, picked).ConfigureAwait(false), q.Limit);
    }, ct);

    /// <summary>The jobs an idempotency key names: the tenant's field, or for every tenant the <c>idem</c> fields that
    /// end in it (HSCAN, so only admin searches walk that hash).</summary>
    private async Task<IReadOnlyList<string>> IdsByKeyAsync(IDatabase db, string? tenantId, string key)
    {
        if (tenantId is not null)
        {
            return Text(await db.HashGetAsync(keys.Idempotency, IdempotencyField(tenantId, key)).ConfigureAwait(false)) is { } id ? [id] : [];
        }
        var ids = new List<string>();
        await foreach (var e in db.HashScanAsync(keys.Idempotency, "*:" + GlobEscape(key), 1000).ConfigureAwait(false))
        {
            // The field is "{tenant length}:{tenant}:{key}": check the key is exactly this one, not one ending in it.
            var field = (string)e.Name!;
            var colon = field.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && int.TryParse(field.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var length)
                && colon + 1 + length + 1 + key.Length == field.Length && Text(e.Value) is { } id)
            {
                ids.Add(id);
            }
        }
        return ids;
    }

    private static string GlobEscape(string text) => string.Concat(text.Select(c => c is '*' or '?' or '[' or ']' or '\\' ? "\\" + c : c.ToString()));

    private static long SeqOf(RedisValue value) => long.TryParse((string?)value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) ? s : 0;

    /// <summary>Full records in the given order; a job whose hash is gone meanwhile is left out.</summary>
    private async Task<IReadOnlyList<JobRecord>> LoadAsync(IDatabase db, IReadOnlyList<string> ids)
    {
        var records = await Task.WhenAll(ids.Select(async id =>
        {
            var hash = db.HashGetAllAsync(keys.Job(id));
            var result = db.StringGetAsync(keys.Result(id));
            return RedisJobRecord.From(id, await hash.ConfigureAwait(false), await result.ConfigureAwait(false));
        })).ConfigureAwait(false);
        return records.Where(r => r is not null).Select(r => r!).ToList();
    }

    public Task<JobDetail?> GetDetailAsync(string jobId, CancellationToken ct) => ReadAsync(async db =>
    {
        var f = await db.HashGetAsync(keys.Job(jobId), ["status", "input", "idempotency_key", "wants_progress"]).ConfigureAwait(false);
        // A seed-era job has no input of Boomerang's: it shows as JSON null.
        return f[0].IsNull ? null : new JobDetail(Text(f[1]) ?? "null", Text(f[2]), (string?)f[3] == "1");
    }, ct);

    /// <summary>The latest <paramref name="window"/> deliveries of the scope (newest first by seq), grouped by host as the
    /// SQL stores do: retrying and failed ones with an error, and the newest error of each host.</summary>
    public Task<IReadOnlyList<HostErrors>> HostErrorsAsync(string? tenantId, int window, CancellationToken ct) =>
        ReadAsync<IReadOnlyList<HostErrors>>(async db =>
        {
            var seqs = await db.SortedSetRangeByRankAsync(keys.Deliveries(tenantId), 0, window - 1, Order.Descending).ConfigureAwait(false);
            var rows = await Task.WhenAll(seqs.Select(s => db.HashGetAsync(keys.Delivery(SeqOf(s)), ["host", "status", "last_error", "http_status"])))
                .ConfigureAwait(false);
            return rows
                .Where(f => !f[0].IsNull && Text(f[2]) is not null && (string?)f[1] is CallbackStatus.Pending or CallbackStatus.Failed)
                .GroupBy(f => (string)f[0]!, StringComparer.Ordinal)
                .Select(g =>
                {
                    var newest = g.First();
                    return new HostErrors(g.Key, g.Count(f => (string?)f[1] == CallbackStatus.Pending), g.Count(f => (string?)f[1] == CallbackStatus.Failed),
                        Text(newest[2]), int.TryParse((string?)newest[3], NumberStyles.Integer, CultureInfo.InvariantCulture, out var h) ? h : null);
                })
                .ToList();
        }, ct);
}
