using Boomerang.Jobs;
using StackExchange.Redis;

namespace Boomerang.Server.Storage.Redis;

internal sealed partial class RedisJobStore
{
    /// <summary>
    /// Reads the active count (the <c>active</c> set) and the batch's idempotency keys, lets <see cref="JobLifecycle.Admit"/>
    /// decide, and writes the decision with a script that first checks what it was based on still holds; when another
    /// submit got in between, it reads and decides again. So the limit and the keys hold across every API process.
    /// </summary>
    public Task<IReadOnlyList<SubmitOutcome>> SubmitAsync(IReadOnlyList<NewJob> jobs, int maxActive, CancellationToken ct) =>
        RunAsync<IReadOnlyList<SubmitOutcome>>(async db =>
        {
            var keyed = jobs.Where(j => j.IdempotencyKey is not null).Select(j => (j.TenantId, Key: j.IdempotencyKey!)).Distinct().ToList();
            for (var round = 0; ; round++)
            {
                var read = (RedisResult[])(await db.ScriptEvaluateAsync(RedisScripts.SubmitRead, null,
                    [keys.Prefix, .. keyed.Select(k => (RedisValue)IdempotencyField(k.TenantId, k.Key))]).ConfigureAwait(false))!;
                var active = (long)read[0];
                var known = new Dictionary<(string Tenant, string Key), KnownKey>();
                for (var i = 0; i < keyed.Count; i++)
                {
                    if (Text((RedisValue)read[1 + 3 * i]) is { } id)
                    {
                        known[keyed[i]] = new KnownKey(id, (string)read[2 + 3 * i]!, Text((RedisValue)read[3 + 3 * i]));
                    }
                }
                var admission = JobLifecycle.Admit(jobs, active, maxActive, known);
                var refused = admission.Outcomes.Any(o => o.Result == SubmitResult.QueueFull);
                var args = new List<RedisValue>(6 + admission.Created.Count * 9)
                    { keys.Prefix, Num(Now), maxActive, active, refused ? "1" : "0", admission.Created.Count };
                foreach (var (j, fingerprint) in admission.Created)
                {
                    args.AddRange([j.Id, j.TenantId, j.Kind, j.InputJson, j.IdempotencyKey is { } k ? IdempotencyField(j.TenantId, k) : "",
                        j.IdempotencyKey ?? "", j.CallbackUrl ?? "", j.WantsProgressCallbacks ? "1" : "0", fingerprint ?? ""]);
                }
                if (admission.Created.Count == 0 || (int)await db.ScriptEvaluateAsync(RedisScripts.Submit, null, [.. args]).ConfigureAwait(false) == 1)
                {
                    return admission.Outcomes;
                }
                if (round > 100)
                {
                    throw new StoreUnavailableException("Redis: submits kept racing", new TimeoutException());
                }
            }
        });

    /// <summary>The <c>{prefix}:idem</c> field of a tenant's key; the tenant's length keeps "a:b"+"c" apart from "a"+"b:c".</summary>
    private static string IdempotencyField(string tenantId, string key) => $"{tenantId.Length}:{tenantId}:{key}";

    public Task<IReadOnlyList<ClaimedJob>> ClaimAsync(string owner, int max, TimeSpan lease, CancellationToken ct) =>
        RunAsync<IReadOnlyList<ClaimedJob>>(async db =>
        {
            var now = Now;
            var r = (RedisResult[])(await db.ScriptEvaluateAsync(RedisScripts.Claim, null,
                [keys.Prefix, owner, Num(now + lease.TotalSeconds), Num(now), max]).ConfigureAwait(false))!;
            return r.Select(x =>
            {
                var f = (RedisResult[])x!;
                var job = new ClaimedJob((string)f[0]!, (string)f[1]!, (string)f[2]!, (string)f[3]!, (int)f[4],
                    Text((RedisValue)f[5]), (string)f[6]! == "1");
                Remember(job, Parse((RedisValue)f[7]), (int?)Parse((RedisValue)f[8]) ?? 0);
                return job;
            }).ToList();
        });

    public Task<HeartbeatResult> HeartbeatAsync(string owner, IReadOnlyCollection<LeasedJob> jobs, TimeSpan lease, CancellationToken ct) =>
        RunAsync(async db =>
        {
            if (jobs.Count == 0)
            {
                return new HeartbeatResult([], []);
            }
            var ids = jobs.ToList();
            var r = (RedisResult[])(await db.ScriptEvaluateAsync(RedisScripts.Heartbeat, null,
                [keys.Prefix, owner, Num(Now + lease.TotalSeconds), .. Fences(ids)]).ConfigureAwait(false))!;
            var codes = r.Select(x => (string)x!).ToList();
            for (var i = 0; i < ids.Count; i++)
            {
                if (codes[i] == "l")
                {
                    Forget(ids[i].JobId, ids[i].Attempt);
                }
            }
            var held = ids.Where((_, i) => codes[i] != "l").Select(j => j.JobId).ToHashSet(StringComparer.Ordinal);
            return JobLifecycle.Heartbeat(jobs, held, ids.Where((_, i) => codes[i] == "c").Select(j => j.JobId).ToList());
        });

    public Task SetProgressAsync(string owner, LeasedJob leased, int progress, CancellationToken ct) => RunAsync(async db =>
    {
        var jobId = leased.JobId;
        var f = await db.HashGetAsync(keys.Job(jobId),
            ["status", "lease_owner", "attempt", "tenant_id", "kind", "callback_url", "wants_progress", "started_at"]).ConfigureAwait(false);
        if ((string?)f[0] != JobStatus.InProgress || (string?)f[1] != owner)
        {
            return 0;
        }
        var now = Now;
        var args = new List<RedisValue> { keys.Prefix, Num(now), owner, jobId, leased.Attempt, progress };
        var job = new ProgressingJob(jobId, (string)f[3]!, (string)f[4]!, Text(f[5]), (string?)f[6] == "1", Parse(f[7]));
        if (Outbox.Progress(job, progress, now) is { } entry)
        {
            AddEntry(args, entry);
        }
        if ((int)await db.ScriptEvaluateAsync(RedisScripts.Progress, null, [.. args]).ConfigureAwait(false) == 1)
        {
            Progressed(leased, progress);
        }
        return 0;
    });

    public Task<IReadOnlyList<bool>> FinishAsync(string owner, IReadOnlyList<JobOutcome> outcomes, CancellationToken ct) =>
        RunAsync(async db => (await FinishJobsAsync(db, owner, outcomes, null).ConfigureAwait(false)).Finished);

    /// <summary>
    /// Reads each job, builds its terminal payload and outbox entry, then one script writes every job whose lease is
    /// still what was read (fenced on owner and attempt; for the rescuer, on the lease still being expired).
    /// Only the first outcome for a job can take effect, as if they had been written one after another.
    /// </summary>
    private async Task<FinishedBatch> FinishJobsAsync(IDatabase db, string? owner, IReadOnlyList<JobOutcome> outcomes,
        IReadOnlyDictionary<string, bool>? expectedCancel, string? dispatcher = null, TimeSpan lease = default, int max = int.MaxValue)
    {
        if (outcomes.Count == 0)
        {
            return new FinishedBatch([], [], 0);
        }
        var now = Now;
        var unique = JobLifecycle.FirstPerJob(outcomes);
        // The lease holder knows its jobs from its claim (LeaseFacts); others, and the rescuer, read them first.
        var known = unique.Select(o => owner is null ? null : Recall(o.JobId, o.Attempt)).ToList();
        var rows = await Task.WhenAll(unique.Select((o, i) => known[i] is not null ? Task.FromResult<RedisValue[]>([]) : db.HashGetAsync(keys.Job(o.JobId),
            ["status", "lease_owner", "attempt", "tenant_id", "kind", "callback_url", "started_at", "progress"]))).ConfigureAwait(false);
        var args = new List<RedisValue> { keys.Prefix, Num(now), owner ?? "", 0 };
        var sent = new List<int>();
        var entries = new List<OutboxEntry?>();
        for (var i = 0; i < unique.Count; i++)
        {
            var (o, f) = (unique[i], rows[i]);
            if (known[i] is null
                && ((string?)f[0] != JobStatus.InProgress || (owner is not null && (string?)f[1] != owner) || (string?)f[2] != Attempt(o.Attempt)))
            {
                continue;
            }
            sent.Add(i);
            args.AddRange([o.JobId, o.Attempt, o.Status, o.ResultJson ?? "", o.ResultJson is null ? "0" : "1", o.Error ?? "",
                expectedCancel is null ? "" : expectedCancel[o.JobId] ? "1" : "0"]);
            var job = known[i] ?? new FinishingJob(o.JobId, (string)f[3]!, (string)f[4]!, Text(f[5]), Parse(f[6]), (int?)Parse(f[7]) ?? 0);
            var entry = Outbox.Terminal(job, o, now);
            entries.Add(entry);
            if (entry is not null)
            {
                AddEntry(args, entry);
            }
            else
            {
                args.AddRange(NoEntry);
            }
        }
        var done = new bool[unique.Count];
        var leased = new List<DueDelivery>();
        var unleased = 0;
        if (sent.Count > 0)
        {
            args[3] = sent.Count;
            args.AddRange([dispatcher ?? "", dispatcher is null ? "" : Num(now + lease.TotalSeconds), Math.Min(max, sent.Count)]);
            var r = (RedisResult[])(await db.ScriptEvaluateAsync(RedisScripts.Finish, null, [.. args]).ConfigureAwait(false))!;
            for (var k = 0; k < sent.Count; k++)
            {
                if (r[k].Resp2Type == ResultType.Array)
                {
                    done[sent[k]] = true;
                    leased.Add(Outbox.Leased(entries[k]!, (long)((RedisResult[])r[k]!)[0]));
                }
                else
                {
                    done[sent[k]] = (int)r[k] == 1;
                    if (done[sent[k]] && entries[k] is { } entry && Outbox.IsDue(entry, now))
                    {
                        unleased++;
                    }
                }
            }
            foreach (var o in unique)
            {
                Forget(o.JobId, o.Attempt);
            }
        }
        return new FinishedBatch(JobLifecycle.FirstOutcomeWins(outcomes, unique.Where((_, i) => done[i]).Select(o => o.JobId).ToHashSet(StringComparer.Ordinal)),
            leased, unleased);
    }

    public Task ReleaseAsync(string owner, IReadOnlyCollection<LeasedJob> jobs, CancellationToken ct) => RunAsync(async db =>
    {
        if (jobs.Count > 0)
        {
            await db.ScriptEvaluateAsync(RedisScripts.Release, null, [keys.Prefix, owner, .. Fences(jobs)]).ConfigureAwait(false);
            foreach (var j in jobs)
            {
                Forget(j.JobId, j.Attempt);
            }
        }
        return 0;
    });

    /// <summary>Id and attempt of each job, the fence the scripts check.</summary>
    private static IEnumerable<RedisValue> Fences(IEnumerable<LeasedJob> jobs) => jobs.SelectMany(j => new RedisValue[] { j.JobId, j.Attempt });

    private static string Attempt(int attempt) => attempt.ToString(System.Globalization.CultureInfo.InvariantCulture);

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
            if (JobLifecycle.Rescue(new ExpiredLease(id, attempt, cancel), maxAttempts) is { } outcome)
            {
                ended.Add(outcome);
                cancels[id] = cancel;
            }
            else
            {
                requeue.AddRange([id, rows[i][1]]);
            }
        }
        var moved = (await FinishJobsAsync(db, null, ended, cancels).ConfigureAwait(false)).Finished.Count(x => x);
        if (requeue.Count > 2)
        {
            moved += (int)await db.ScriptEvaluateAsync(RedisScripts.Requeue, null, [.. requeue]).ConfigureAwait(false);
        }
        return moved;
    });

    private static double? Parse(RedisValue value) =>
        double.TryParse((string?)value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var d) ? d : null;
}
