using Boomerang.Server.Metrics;

namespace Boomerang.Server.Storage.Redis;

internal sealed partial class RedisJobStore : IJobCounts
{
    /// <summary>The sizes of <c>pending</c> and <c>running</c>, the sets claims and the rescuer read: O(1) each.</summary>
    public Task<(long Pending, long InProgress)> CountActiveAsync(CancellationToken ct) => ReadAsync(async db =>
    {
        var pending = db.SortedSetLengthAsync(keys.Pending);
        var running = db.SortedSetLengthAsync(keys.Running);
        return (await pending.ConfigureAwait(false), await running.ConfigureAwait(false));
    }, ct);
}
