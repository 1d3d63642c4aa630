using StackExchange.Redis;

namespace Boomerang.Server.Storage.Redis;

/// <summary>
/// Key names under one prefix. The seed's (§6.2): <c>{p}:job:{id}</c> (hash, the seed's field names), <c>{p}:result:{id}</c>,
/// <c>{p}:active</c> (set of unfinished job ids, the capacity count), <c>{p}:tenant:{t}:jobs</c> (sorted set, scored by
/// submit sequence). Boomerang's own: <c>{p}:pending</c> and <c>{p}:running</c> (sorted by seq and by lease expiry),
/// <c>{p}:idem</c>, <c>{p}:seq</c>, <c>{p}:delivery:{seq}</c>, <c>{p}:due</c>, <c>{p}:dleased</c>, <c>{p}:dseq</c>,
/// <c>{p}:attempts:{job id}</c> (a job's logged attempts; a delivery that lands on its first attempt keeps it in its hash's
/// <c>attempt</c> field instead), <c>{p}:schema</c>, and the pub/sub channel <c>{p}:events</c>. The dashboard's, the
/// gauges' and retention's indexes, kept by the same scripts: <c>{p}:jobs</c> (every job by seq), <c>{p}:tenant:{t}:s:{status}</c>
/// (a tenant's jobs in one status, by seq), <c>{p}:counts</c> (jobs per status), <c>{p}:finished</c> and <c>{p}:tenant:{t}:finished</c> (finished jobs
/// by finished_at), <c>{p}:deliveries</c> and <c>{p}:tenant:{t}:deliveries</c> (by seq), <c>{p}:delivered</c> and
/// <c>{p}:tenant:{t}:delivered</c> (successful deliveries by finished_at); a job hash lists its deliveries' seqs.
/// </summary>
internal sealed class RedisKeys(string prefix)
{
    public string Prefix => prefix;
    public RedisKey Job(string id) => $"{prefix}:job:{id}";
    public RedisKey Result(string id) => $"{prefix}:result:{id}";
    public RedisKey Active => $"{prefix}:active";
    public RedisKey Tenant(string tenantId) => $"{prefix}:tenant:{tenantId}:jobs";
    public RedisKey Running => $"{prefix}:running";
    public RedisKey Pending => $"{prefix}:pending";
    public RedisKey Idempotency => $"{prefix}:idem";
    public RedisKey Jobs(string? tenantId) => tenantId is null ? $"{prefix}:jobs" : Tenant(tenantId);
    public RedisKey Counts => $"{prefix}:counts";
    public RedisKey InStatus(string tenantId, string status) => $"{prefix}:tenant:{tenantId}:s:{status}";
    public RedisKey Finished(string? tenantId) => Scoped(tenantId, "finished");
    public RedisKey Deliveries(string? tenantId) => Scoped(tenantId, "deliveries");
    public RedisKey Delivered(string? tenantId) => Scoped(tenantId, "delivered");
    public RedisKey Delivery(long seq) => $"{prefix}:delivery:{seq}";
    public RedisKey Attempts(string jobId) => $"{prefix}:attempts:{jobId}";
    public RedisKey Schema => $"{prefix}:schema";
    private RedisKey Scoped(string? tenantId, string name) => tenantId is null ? $"{prefix}:{name}" : $"{prefix}:tenant:{tenantId}:{name}";
    public RedisChannel Events => RedisChannel.Literal($"{prefix}:events");

    public const string JobsHint = "j";
    public const string DeliveriesHint = "d";
    public const string CancelPrefix = "c:";
}
