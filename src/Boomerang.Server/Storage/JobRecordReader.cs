using System.Data.Common;

namespace Boomerang.Server.Storage;

/// <summary>
/// Maps the job-with-terminal-delivery row both providers select (seq, id, tenant_id, kind, status, created_at,
/// started_at, finished_at, attempt, progress, result, error, callback_url, then the delivery's status, attempts,
/// http_status, finished_at, last_error, next_attempt_at) to a <see cref="JobRecord"/>.
/// </summary>
internal static class JobRecordReader
{
    public static JobRecord Read(DbDataReader r)
    {
        var callbackUrl = Text(r, 12);
        var (callbackStatus, callbackAttempts) = JobLifecycle.CallbackView(callbackUrl, Text(r, 13), Int(r, 14));
        return new JobRecord(
            r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4),
            r.GetDouble(5), Number(r, 6), Number(r, 7), r.GetInt32(8), r.GetInt32(9),
            Text(r, 10), Text(r, 11), callbackUrl, callbackStatus, callbackAttempts,
            Int(r, 15), Number(r, 16), Text(r, 17), Number(r, 18));
    }

    private static string? Text(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);
    private static double? Number(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetDouble(i);
    private static int? Int(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetInt32(i);
}
