using StackExchange.Redis;

namespace Boomerang.Server.Storage.Redis;

internal sealed partial class RedisJobStore : IFinishedJobPurge
{
    // Candidates one script call looks at: bounded, so a sweep never holds Redis for long.
    private const int PurgeChunk = 256;

    /// <summary>
    /// Walks <c>{prefix}:finished</c> (finished jobs by finished_at) from the oldest, one script call per chunk, each
    /// deleting whole jobs atomically; jobs with a callback still pending are stepped over, so a backlog of retrying
    /// callbacks does not stop the sweep behind it. Any number of nodes may sweep at once: each script re-checks.
    /// </summary>
    public Task<int> PurgeFinishedAsync(TimeSpan olderThan, int batch, CancellationToken ct) => RunAsync(async db =>
    {
        var cutoff = Num(Now - olderThan.TotalSeconds);
        var (deleted, offset) = (0, 0);
        while (deleted < batch && !ct.IsCancellationRequested)
        {
            var r = (RedisResult[])(await db.ScriptEvaluateAsync(RedisScripts.Purge, null,
                [keys.Prefix, cutoff, batch - deleted, offset, PurgeChunk]).ConfigureAwait(false))!;
            var (gone, kept, looked) = ((int)r[0], (int)r[1], (int)r[2]);
            deleted += gone;
            offset += kept;
            if (looked < PurgeChunk)
            {
                break;
            }
        }
        return deleted;
    });
}
