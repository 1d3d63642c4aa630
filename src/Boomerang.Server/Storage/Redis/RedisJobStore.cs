using System.Globalization;
using Boomerang.Jobs;
using StackExchange.Redis;

namespace Boomerang.Server.Storage.Redis;

/// <summary>
/// The Redis store: one Redis (primary, or Sentinel-managed) shared by any number of API, worker and dispatcher
/// processes. Every change to more than one key is one Lua script (<see cref="RedisScripts"/>), claims are leases,
/// and scripts that make work for other processes publish a hint on <c>{prefix}:events</c> (<see cref="RedisListener"/>).
/// </summary>
internal sealed partial class RedisJobStore(IConnectionMultiplexer redis, RedisKeys keys, RedisDurability durability, TimeProvider time)
    : IJobStore
{
    public const int SchemaVersion = 1;
    private static readonly TimeSpan PingTimeout = TimeSpan.FromSeconds(3);

    private IDatabase Db => redis.GetDatabase();
    private double Now => time.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0;

    public Task MigrateAsync(CancellationToken ct) => RunAsync(async db =>
    {
        await durability.CheckAsync(db).ConfigureAwait(false);
        await db.StringSetAsync(keys.Schema, SchemaVersion).ConfigureAwait(false);
        return 0;
    });

    public async Task<bool> PingAsync(CancellationToken ct)
    {
        var read = RunAsync(async db => (int?)await db.StringGetAsync(keys.Schema).ConfigureAwait(false));
        var done = await Task.WhenAny(read, Task.Delay(PingTimeout, ct)).ConfigureAwait(false);
        if (done != read)
        {
            _ = read.ContinueWith(t => t.Exception, TaskScheduler.Default);
            return false;
        }
        return await read.ConfigureAwait(false) >= SchemaVersion;
    }

    public Task<JobRecord?> GetAsync(string jobId, CancellationToken ct) => ReadAsync(async db =>
    {
        var hash = db.HashGetAllAsync(keys.Job(jobId));
        var result = db.StringGetAsync(keys.Result(jobId));
        return RedisJobRecord.From(jobId, await hash.ConfigureAwait(false), await result.ConfigureAwait(false));
    }, ct);

    /// <summary>Newest first from the tenant's sorted set (scored by seq), or from its set for that status, reading the
    /// candidates' records at once (one pipelined pass, no separate check first): in the common case every candidate
    /// is one of the page. A seed-era entry (no seq), one whose hash is gone, or one in another status is skipped and
    /// the next ones read.</summary>
    public Task<JobPage> ListAsync(string tenantId, string? status, int limit, long? beforeSeq, CancellationToken ct) => ReadAsync(async db =>
    {
        var fetch = JobLifecycle.PageFetch(limit);
        var picked = new List<JobRecord>(fetch);
        double upper = beforeSeq is { } b ? b : double.PositiveInfinity;
        var exclude = beforeSeq is null ? Exclude.None : Exclude.Stop;
        var index = status is null ? keys.Tenant(tenantId) : keys.InStatus(tenantId, status);
        while (picked.Count < fetch)
        {
            var chunk = fetch - picked.Count;
            var entries = await db.SortedSetRangeByScoreWithScoresAsync(index, double.NegativeInfinity, upper, exclude,
                Order.Descending, 0, chunk).ConfigureAwait(false);
            if (entries.Length == 0)
            {
                break;
            }
            (upper, exclude) = (entries[^1].Score, Exclude.Stop);
            var records = await LoadAsync(db, entries.Select(e => (string)e.Element!).ToList()).ConfigureAwait(false);
            picked.AddRange(records.Where(r => r.Seq > 0 && (status is null || r.Status == status)));
            if (entries.Length < chunk)
            {
                break;
            }
        }
        return JobLifecycle.Page(picked, limit);
    }, ct);

    public Task<CancelResult> CancelAsync(string jobId, CancellationToken ct) => RunAsync(async db =>
    {
        // Read, decide, then a script that applies only if the status is still the one read; else decide again.
        for (var round = 0; ; round++)
        {
            var f = await db.HashGetAsync(keys.Job(jobId), ["status", "tenant_id", "kind", "callback_url"]).ConfigureAwait(false);
            string? status = f[0];
            if (status is null)
            {
                return CancelResult.NotFound;
            }
            if (status is not (JobStatus.Pending or JobStatus.InProgress))
            {
                return CancelResult.AlreadyFinished;
            }
            var args = new List<RedisValue> { keys.Prefix, Num(Now), jobId, status };
            if (status == JobStatus.Pending && Outbox.CanceledPending(jobId, (string)f[1]!, (string)f[2]!, Text(f[3]), Now) is { } entry)
            {
                AddEntry(args, entry);
            }
            var answer = (string?)await db.ScriptEvaluateAsync(RedisScripts.Cancel, null, [.. args]).ConfigureAwait(false);
            if (answer == "ok")
            {
                return status == JobStatus.Pending ? CancelResult.Canceled : CancelResult.CancelRequested;
            }
            if (round > 20)
            {
                throw new InvalidOperationException($"job {jobId} kept changing while it was being canceled");
            }
        }
    });

    /// <summary>An outbox entry as the scripts' add_delivery reads it: 12 values.</summary>
    private static void AddEntry(List<RedisValue> args, OutboxEntry e) => args.AddRange([e.WebhookId, e.JobId, e.TenantId, e.Event,
        e.Terminal ? "1" : "0", e.Url, e.Host, e.Payload, e.Status, e.LastError ?? "", Opt(e.NextAttemptAt), Opt(e.FinishedAt)]);

    private static readonly RedisValue[] NoEntry = ["", "", "", "", "", "", "", "", "", "", "", ""];

    internal static RedisValue Opt(double? value) => value is { } v ? Num(v) : "";

    internal static RedisValue Num(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    internal static string? Text(RedisValue value) => value.IsNullOrEmpty ? null : (string?)value;

    /// <summary>A read: it gives up when <paramref name="ct"/> fires (a write never does, so its caller knows it was sent).</summary>
    private Task<T> ReadAsync<T>(Func<IDatabase, Task<T>> read, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        return RunAsync(read).WaitAsync(ct);
    }

    private async Task<T> RunAsync<T>(Func<IDatabase, Task<T>> work)
    {
        try
        {
            return await work(Db).ConfigureAwait(false);
        }
        catch (Exception e) when (IsUnavailable(e))
        {
            throw new StoreUnavailableException("Redis is unavailable: " + e.Message, e);
        }
    }

    /// <summary>A Redis failure that means "not reachable now" (the API answers 503; start-up waits).</summary>
    internal static bool IsUnavailable(Exception e) => e switch
    {
        RedisConnectionException or RedisTimeoutException => true,
        // Loading its data after a restart, or a replica that lost its primary: the same as unreachable, for now.
        RedisServerException s => s.Message.StartsWith("LOADING", StringComparison.Ordinal)
            || s.Message.StartsWith("MASTERDOWN", StringComparison.Ordinal) || s.Message.StartsWith("READONLY", StringComparison.Ordinal)
            || s.Message.StartsWith("TRYAGAIN", StringComparison.Ordinal),
        System.Net.Sockets.SocketException or IOException or TimeoutException => true,
        _ => false,
    };
}
