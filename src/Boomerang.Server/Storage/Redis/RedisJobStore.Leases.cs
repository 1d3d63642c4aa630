using System.Collections.Concurrent;

namespace Boomerang.Server.Storage.Redis;

internal sealed partial class RedisJobStore
{
    // Past this many, the facts are dropped (a finish then reads the job first, as it would anyway without them).
    private const int MaxLeaseFacts = 100_000;

    private readonly ConcurrentDictionary<string, LeaseFacts> _leases = new(StringComparer.Ordinal);

    /// <summary>
    /// What a finish needs to build a job's terminal payload, as this process's claim returned it: the tenant, kind and
    /// callback URL never change, started_at is set by the first claim, and progress changes only through this lease
    /// (fenced on owner and attempt), which updates it here. So a finish by the lease holder writes without reading the
    /// job first: one round trip instead of two. The finish script still fences on status, owner and attempt.
    /// </summary>
    private sealed record LeaseFacts(int Attempt, FinishingJob Job);

    private void Remember(ClaimedJob job, double? startedAt, int progress)
    {
        if (_leases.Count >= MaxLeaseFacts)
        {
            _leases.Clear();
        }
        _leases[job.Id] = new LeaseFacts(job.Attempt, new FinishingJob(job.Id, job.TenantId, job.Kind, job.CallbackUrl, startedAt, progress));
    }

    private FinishingJob? Recall(string jobId, int attempt) =>
        _leases.TryGetValue(jobId, out var facts) && facts.Attempt == attempt ? facts.Job : null;

    private void Progressed(LeasedJob job, int progress)
    {
        if (_leases.TryGetValue(job.JobId, out var facts) && facts.Attempt == job.Attempt)
        {
            _leases.TryUpdate(job.JobId, facts with { Job = facts.Job with { Progress = progress } }, facts);
        }
    }

    private void Forget(string jobId, int attempt)
    {
        if (_leases.TryGetValue(jobId, out var facts) && facts.Attempt == attempt)
        {
            _leases.TryRemove(new KeyValuePair<string, LeaseFacts>(jobId, facts));
        }
    }
}
