using System.Globalization;
using Boomerang.Jobs;
using StackExchange.Redis;

namespace Boomerang.Server.Storage.Redis;

/// <summary>
/// Reads a job hash. Fields are text; a field that is missing or does not parse reads as absent, so no stored hash
/// (a seed-era one included) can make a read fail. An unknown status reads as pending, as the seed did.
/// </summary>
internal static class RedisJobRecord
{
    public static JobRecord? From(string jobId, HashEntry[] entries, RedisValue result)
    {
        if (entries.Length == 0)
        {
            return null;
        }
        var f = entries.ToDictionary(e => (string)e.Name!, e => e.Value, StringComparer.Ordinal);
        string? Text(string name) => f.TryGetValue(name, out var v) && !v.IsNullOrEmpty ? (string?)v : null;
        double? Number(string name) => double.TryParse(Text(name), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null;
        int? Int(string name) => int.TryParse(Text(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) ? i : null;

        var status = Text("status") is { } s && (JobStatus.IsFinished(s) || s is JobStatus.Pending or JobStatus.InProgress) ? s : JobStatus.Pending;
        var callbackUrl = Text("callback_url");
        var (callbackStatus, callbackAttempts) = JobLifecycle.CallbackView(callbackUrl, Text("callback_status"),
            callbackUrl is null ? null : Int("callback_attempts"));
        return new JobRecord(
            long.TryParse(Text("seq"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seq) ? seq : 0,
            jobId, Text("tenant_id") ?? "", Text("kind") ?? "dedup2d", status,
            Number("created_at") ?? 0, Number("started_at"), Number("finished_at"), Int("attempt") ?? 0, Int("progress") ?? 0,
            result.IsNull ? null : (string?)result, Text("error"), callbackUrl,
            callbackStatus, callbackAttempts,
            Int("callback_http_status"), Number("callback_finished_at"), Text("callback_last_error"), Number("callback_next_attempt_at"));
    }
}
