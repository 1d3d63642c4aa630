using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using StackExchange.Redis;

namespace Boomerang.Server.Storage.Redis;

internal sealed partial class RedisJobStore
{
    public Task<IReadOnlyList<DueDelivery>> ClaimDeliveriesAsync(string owner, int max, TimeSpan lease,
        IReadOnlyCollection<string> excludedHosts, CancellationToken ct) =>
        RunAsync<IReadOnlyList<DueDelivery>>(async db =>
        {
            var now = Now;
            var r = (RedisResult[])(await db.ScriptEvaluateAsync(RedisScripts.ClaimDeliveries, null,
                [keys.Prefix, owner, Num(now + lease.TotalSeconds), Num(now), max, .. excludedHosts.Select(h => (RedisValue)h)]).ConfigureAwait(false))!;
            return r.Select(x =>
            {
                var f = (RedisResult[])x!;
                return new DueDelivery((long)f[0], (string)f[1]!, (string)f[2]!, (string)f[3]!, (string)f[4]!, (string)f[5]!,
                    (string)f[6]!, (byte[])f[7]!, (int)f[8]);
            }).ToList();
        });

    public Task<IReadOnlyList<bool>> RecordAttemptsAsync(string owner, IReadOnlyList<DeliveryAttempt> attempts, CancellationToken ct) =>
        RunAsync<IReadOnlyList<bool>>(async db =>
        {
            if (attempts.Count == 0)
            {
                return [];
            }
            var now = Now;
            var args = new List<RedisValue>(4 + attempts.Count * 9) { keys.Prefix, owner, Num(now), attempts.Count };
            foreach (var a in attempts)
            {
                var landing = JobLifecycle.Land(a, now);
                var record = new AttemptEntry(a.Delivery.WebhookId, a.Delivery.Event, a.Delivery.Attempts + 1, a.StartedAt, a.DurationMs,
                    a.HttpStatus, a.Error, a.ResponseBody);
                args.AddRange([a.Delivery.Seq, a.Delivery.JobId, JsonSerializer.Serialize(record, AttemptJson.Default.AttemptEntry),
                    JobLifecycle.KeptOnDelivery(a) ? "1" : "0", landing.Status,
                    a.HttpStatus is { } h ? h : "", a.Error ?? "", Opt(landing.NextAttemptAt), Opt(landing.FinishedAt)]);
            }
            var r = (RedisResult[])(await db.ScriptEvaluateAsync(RedisScripts.RecordAttempts, null, [.. args]).ConfigureAwait(false))!;
            return r.Select(x => (int)x == 1).ToList();
        });

    public Task ReleaseDeliveriesAsync(string owner, IReadOnlyCollection<long> seqs, CancellationToken ct) =>
        RunAsync(db => db.ScriptEvaluateAsync(RedisScripts.ReleaseDeliveries, null, [keys.Prefix, owner, .. seqs.Select(s => (RedisValue)s)]));

    /// <summary>The job's attempts list and the attempts its deliveries kept (<see cref="JobLifecycle.KeptOnDelivery"/>), in
    /// the order the SQL stores give (<see cref="AttemptLogSql.List"/>): by start, then delivery, then a kept attempt after
    /// the logged ones, then as logged. A logged attempt's delivery is the one with its webhook id.</summary>
    public Task<IReadOnlyList<DeliveryAttemptRecord>> ListAttemptsAsync(string jobId, CancellationToken ct) =>
        ReadAsync<IReadOnlyList<DeliveryAttemptRecord>>(async db =>
        {
            var r = (RedisResult[])(await db.ScriptEvaluateAsync(RedisScripts.ListAttempts, null, [keys.Prefix, jobId]).ConfigureAwait(false))!;
            var (logged, deliveries) = ((RedisResult[])r[0]!, (RedisResult[])r[1]!);
            var seqOf = new Dictionary<string, long>(StringComparer.Ordinal);
            var records = new List<(DeliveryAttemptRecord Record, long Seq, int Kept, int Index)>();
            for (var i = 0; i + 2 < deliveries.Length; i += 3)
            {
                var seq = long.Parse((string)deliveries[i]!, CultureInfo.InvariantCulture);
                seqOf.TryAdd((string)deliveries[i + 1]!, seq);
                if (ReadAttempt(deliveries[i + 2]) is { } kept)
                {
                    records.Add((kept, seq, 1, 0));
                }
            }
            for (var i = 0; i < logged.Length; i++)
            {
                if (ReadAttempt(logged[i]) is { } attempt)
                {
                    records.Add((attempt, seqOf.GetValueOrDefault(attempt.WebhookId, long.MaxValue), 0, i));
                }
            }
            return records.OrderBy(x => x.Record.StartedAt).ThenBy(x => x.Seq).ThenBy(x => x.Kept).ThenBy(x => x.Index)
                .Select(x => x.Record).ToList();
        }, ct);

    /// <summary>One stored attempt entry; none for an empty one, or one that does not parse (written by hand), which is
    /// left out rather than failing the read.</summary>
    private static DeliveryAttemptRecord? ReadAttempt(RedisResult entry)
    {
        try
        {
            return (string?)entry is { Length: > 0 } text && JsonSerializer.Deserialize(text, AttemptJson.Default.AttemptEntry) is { } e
                ? new DeliveryAttemptRecord(e.WebhookId, e.Event, e.Attempt, e.StartedAt, e.DurationMs, e.HttpStatus, e.Error, e.ResponseBody)
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public Task<RedeliverOutcome> RedeliverAsync(string jobId, CancellationToken ct) => RunAsync(async db =>
    {
        var f = await db.HashGetAsync(keys.Job(jobId), ["status", "callback_url", "delivery"]).ConfigureAwait(false);
        var webhookId = Text(f[2]) is { } seq ? Text(await db.HashGetAsync(keys.Delivery(long.Parse(seq, CultureInfo.InvariantCulture)),
            "webhook_id").ConfigureAwait(false)) : null;
        var decision = JobLifecycle.Redeliver(f[0].IsNull ? null : new RedeliveryTarget((string)f[0]!, Text(f[1]), webhookId));
        if (decision.Result == RedeliverResult.Queued)
        {
            await db.ScriptEvaluateAsync(RedisScripts.Redeliver, null, [keys.Prefix, Num(Now), f[2]]).ConfigureAwait(false);
        }
        return decision;
    });
}

/// <summary>One line of <c>{prefix}:attempts:{job id}</c>, or the attempt a delivery kept (its hash's <c>attempt</c> field).</summary>
internal sealed record AttemptEntry(
    [property: JsonPropertyName("webhook_id")] string WebhookId,
    [property: JsonPropertyName("event")] string Event,
    [property: JsonPropertyName("attempt")] int Attempt,
    [property: JsonPropertyName("started_at")] double StartedAt,
    [property: JsonPropertyName("duration_ms")] double DurationMs,
    [property: JsonPropertyName("http_status")] int? HttpStatus,
    [property: JsonPropertyName("error")] string? Error,
    [property: JsonPropertyName("response_body")] string? ResponseBody);

[JsonSerializable(typeof(AttemptEntry))]
internal sealed partial class AttemptJson : JsonSerializerContext;
