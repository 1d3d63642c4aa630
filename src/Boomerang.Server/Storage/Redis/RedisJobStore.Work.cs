using Boomerang.Jobs;
using StackExchange.Redis;

namespace Boomerang.Server.Storage.Redis;

internal sealed partial class RedisJobStore
{
    /// <summary>One script for the whole batch: the capacity count (the <c>active</c> set) and the idempotency keys are
    /// read and written inside it, so the limit holds across every API process.</summary>
    public Task<IReadOnlyList<SubmitOutcome>> SubmitAsync(IReadOnlyList<NewJob> jobs, int maxActive, CancellationToken ct) =>
        RunAsync<IReadOnlyList<SubmitOutcome>>(async db =>
        {
            var args = new List<RedisValue>(4 + jobs.Count * 7) { keys.Prefix, Num(Now), maxActive, jobs.Count };
            foreach (var j in jobs)
            {
                args.AddRange([j.Id, j.TenantId, j.Kind, j.InputJson, j.IdempotencyKey ?? "", j.CallbackUrl ?? "", j.WantsProgressCallbacks ? "1" : "0"]);
            }
            var r = (RedisResult[])(await db.ScriptEvaluateAsync(RedisScripts.Submit, null, [.. args]).ConfigureAwait(false))!;
            var outcomes = new List<SubmitOutcome>(jobs.Count);
            for (var i = 0; i < jobs.Count; i++)
            {
                var (code, id, third) = ((string)r[3 * i]!, (string)r[3 * i + 1]!, (string)r[3 * i + 2]!);
                outcomes.Add(code switch
                {
                    "c" => new SubmitOutcome(SubmitResult.Created, id, third),
                    "e" => new SubmitOutcome(SubmitResult.Existing, id, third),
                    _ => new SubmitOutcome(SubmitResult.QueueFull, null, null, long.Parse(third, System.Globalization.CultureInfo.InvariantCulture)),
                });
            }
            return outcomes;
        });

    public Task<IReadOnlyList<ClaimedJob>> ClaimAsync(string owner, int max, TimeSpan lease, CancellationToken ct) =>
        RunAsync<IReadOnlyList<ClaimedJob>>(async db =>
        {
            var now = Now;
            var r = (RedisResult[])(await db.ScriptEvaluateAsync(RedisScripts.Claim, null,
                [keys.Prefix, owner, Num(now + lease.TotalSeconds), Num(now), max]).ConfigureAwait(false))!;
            return r.Select(x =>
            {
                var f = (RedisResult[])x!;
                return new ClaimedJob((string)f[0]!, (string)f[1]!, (string)f[2]!, (string)f[3]!, (int)f[4],
                    Text((RedisValue)f[5]), (string)f[6]! == "1");
            }).ToList();
        });

    public Task<HeartbeatResult> HeartbeatAsync(string owner, IReadOnlyCollection<string> jobIds, TimeSpan lease, CancellationToken ct) =>
        RunAsync(async db =>
        {
            if (jobIds.Count == 0)
            {
                return new HeartbeatResult([], []);
            }
            var ids = jobIds.ToList();
            var r = (RedisResult[])(await db.ScriptEvaluateAsync(RedisScripts.Heartbeat, null,
                [keys.Prefix, owner, Num(Now + lease.TotalSeconds), .. ids.Select(id => (RedisValue)id)]).ConfigureAwait(false))!;
            var codes = r.Select(x => (string)x!).ToList();
            return new HeartbeatResult(ids.Where((_, i) => codes[i] == "c").ToList(), ids.Where((_, i) => codes[i] == "l").ToList());
        });

    public Task SetProgressAsync(string owner, string jobId, int progress, CancellationToken ct) => RunAsync(async db =>
    {
        var f = await db.HashGetAsync(keys.Job(jobId),
            ["status", "lease_owner", "attempt", "tenant_id", "kind", "callback_url", "wants_progress", "started_at"]).ConfigureAwait(false);
        if ((string?)f[0] != JobStatus.InProgress || (string?)f[1] != owner)
        {
            return 0;
        }
        var args = new List<RedisValue> { keys.Prefix, Num(Now), owner, jobId, f[2], progress };
        if (Text(f[5]) is { } url && (string?)f[6] == "1")
        {
            AddEntry(args, RedisLifecycle.Entry(CallbackEvent.Progress, url, jobId, (string)f[3]!, (string)f[4]!, JobStatus.InProgress,
                progress, Parse(f[7]), null, null, null));
        }
        await db.ScriptEvaluateAsync(RedisScripts.Progress, null, [.. args]).ConfigureAwait(false);
        return 0;
    });

    public Task<IReadOnlyList<bool>> FinishAsync(string owner, IReadOnlyList<JobOutcome> outcomes, CancellationToken ct) =>
        RunAsync(db => FinishJobsAsync(db, owner, outcomes, null));

    /// <summary>
    /// Reads each job, builds its terminal payload and outbox entry, then one script writes every job whose lease is
    /// still what was read (fenced on owner and attempt; for the rescuer, on the lease still being expired).
    /// Only the first outcome for a job can take effect, as if they had been written one after another.
    /// </summary>
    private async Task<IReadOnlyList<bool>> FinishJobsAsync(IDatabase db, string? owner, IReadOnlyList<JobOutcome> outcomes,
        IReadOnlyDictionary<string, bool>? expectedCancel)
    {
        if (outcomes.Count == 0)
        {
            return [];
        }
        var now = Now;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var first = outcomes.Select(o => seen.Add(o.JobId)).ToList();
        var unique = outcomes.Where((_, i) => first[i]).ToList();
        var rows = await Task.WhenAll(unique.Select(o => db.HashGetAsync(keys.Job(o.JobId),
            ["status", "lease_owner", "attempt", "tenant_id", "kind", "callback_url", "started_at", "progress"]))).ConfigureAwait(false);
        var args = new List<RedisValue> { keys.Prefix, Num(now), owner ?? "", 0 };
        var sent = new List<int>();
        for (var i = 0; i < unique.Count; i++)
        {
            var (o, f) = (unique[i], rows[i]);
            if ((string?)f[0] != JobStatus.InProgress || (owner is not null && (string?)f[1] != owner))
            {
                continue;
            }
            sent.Add(i);
            args.AddRange([o.JobId, f[2], o.Status, o.ResultJson ?? "", o.ResultJson is null ? "0" : "1", o.Error ?? "",
                expectedCancel is null ? "" : expectedCancel[o.JobId] ? "1" : "0"]);
            if (Text(f[5]) is { } url)
            {
                var progress = o.Status == JobStatus.Completed ? 100 : (int?)Parse(f[7]) ?? 0;
                var entry = RedisLifecycle.Entry(CallbackEvent.ForStatus(o.Status), url, o.JobId, (string)f[3]!, (string)f[4]!, o.Status,
                    progress, Parse(f[6]), now, o.ResultJson, o.Error);
                args.AddRange([entry.WebhookId, entry.Event, entry.Url, entry.Host, entry.Payload]);
            }
            else
            {
                args.AddRange(["", "", "", "", ""]);
            }
        }
        var done = new bool[unique.Count];
        if (sent.Count > 0)
        {
            args[3] = sent.Count;
            var r = (RedisResult[])(await db.ScriptEvaluateAsync(RedisScripts.Finish, null, [.. args]).ConfigureAwait(false))!;
            for (var k = 0; k < sent.Count; k++)
            {
                done[sent[k]] = (int)r[k] == 1;
            }
        }
        var byId = unique.Select((o, i) => (o.JobId, done[i])).ToDictionary(x => x.JobId, x => x.Item2, StringComparer.Ordinal);
        return outcomes.Select((o, i) => first[i] && byId[o.JobId]).ToList();
    }

    public Task ReleaseAsync(string owner, IReadOnlyCollection<string> jobIds, CancellationToken ct) => RunAsync(async db =>
    {
        if (jobIds.Count > 0)
        {
            await db.ScriptEvaluateAsync(RedisScripts.Release, null, [keys.Prefix, owner, .. jobIds.Select(id => (RedisValue)id)]).ConfigureAwait(false);
        }
        return 0;
    });

    /// <summary>Any process may run this; the scripts re-check each expiry, so of concurrent rescuers one moves each job.</summary>
    public Task<int> RescueExpiredAsync(int maxAttempts, CancellationToken ct) => RunAsync(async db =>
    {
        var now = Now;
        var ids = await db.SortedSetRangeByScoreAsync(keys.Running, double.NegativeInfinity, now, Exclude.Stop, take: 1000).ConfigureAwait(false);
        if (ids.Length == 0)
        {
            return 0;
        }
        var rows = await Task.WhenAll(ids.Select(id => db.HashGetAsync(keys.Job((string)id!), ["status", "attempt", "cancel_requested"]))).ConfigureAwait(false);
        var ended = new List<JobOutcome>();
        var cancels = new Dictionary<string, bool>(StringComparer.Ordinal);
        var requeue = new List<RedisValue> { keys.Prefix, Num(now) };
        for (var i = 0; i < ids.Length; i++)
        {
            if ((string?)rows[i][0] != JobStatus.InProgress)
            {
                continue;
            }
            var id = (string)ids[i]!;
            var attempt = (int?)Parse(rows[i][1]) ?? 0;
            var cancel = (string?)rows[i][2] == "1";
            if (RedisLifecycle.Rescue(id, attempt, cancel, maxAttempts) is { } outcome)
            {
                ended.Add(outcome);
                cancels[id] = cancel;
            }
            else
            {
                requeue.AddRange([id, rows[i][1]]);
            }
        }
        var moved = (await FinishJobsAsync(db, null, ended, cancels).ConfigureAwait(false)).Count(x => x);
        if (requeue.Count > 2)
        {
            moved += (int)await db.ScriptEvaluateAsync(RedisScripts.Requeue, null, [.. requeue]).ConfigureAwait(false);
        }
        return moved;
    });

    private static double? Parse(RedisValue value) =>
        double.TryParse((string?)value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var d) ? d : null;
}
