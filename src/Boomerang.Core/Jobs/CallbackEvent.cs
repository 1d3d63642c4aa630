using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Boomerang.Jobs;

/// <summary>The callback events Boomerang sends and the payload it signs.</summary>
public static class CallbackEvent
{
    /// <summary>The job completed; <c>result</c> holds its result.</summary>
    public const string Completed = "job.completed";
    /// <summary>The job failed; <c>error</c> says why.</summary>
    public const string Failed = "job.failed";
    /// <summary>The job was canceled while it ran, or timed out of a cancel.</summary>
    public const string Canceled = "job.canceled";
    /// <summary>The handler reported progress (only for jobs that asked for it).</summary>
    public const string Progress = "job.progress";

    /// <summary>The terminal event for a finished job's status.</summary>
    public static string ForStatus(string status) => status switch
    {
        JobStatus.Completed => Completed,
        JobStatus.Failed => Failed,
        JobStatus.Canceled => Canceled,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "not a finished status"),
    };

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        // Non-ASCII stays UTF-8, as the seed's json.dumps(ensure_ascii=False) does.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = false,
    };

    /// <summary>
    /// Writes the payload: the seed's fields (<c>job_id, tenant_id, status, started_at, finished_at, result,
    /// error</c>) plus <c>event</c>, <c>kind</c> and <c>progress</c>, keys sorted, compact. These bytes are
    /// what is signed and sent.
    /// </summary>
    public static byte[] Serialize(
        string @event, string jobId, string tenantId, string kind, string status, int progress,
        double? startedAt, double? finishedAt, string? resultJson, string? error)
    {
        var buffer = new ArrayBufferWriter<byte>(256 + (resultJson?.Length ?? 0));
        using (var w = new Utf8JsonWriter(buffer, WriterOptions))
        {
            w.WriteStartObject();
            if (status == JobStatus.Failed && error is not null) { w.WriteString("error", error); } else { w.WriteNull("error"); }
            w.WriteString("event", @event);
            WriteNumberOrNull(w, "finished_at", finishedAt);
            w.WriteString("job_id", jobId);
            w.WriteString("kind", kind);
            w.WriteNumber("progress", progress);
            w.WritePropertyName("result");
            if (status == JobStatus.Completed && resultJson is not null) { w.WriteRawValue(resultJson, skipInputValidation: true); } else { w.WriteNullValue(); }
            WriteNumberOrNull(w, "started_at", startedAt);
            w.WriteString("status", status);
            w.WriteString("tenant_id", tenantId);
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteNumberOrNull(Utf8JsonWriter w, string name, double? value)
    {
        if (value is { } v) { w.WriteNumber(name, v); } else { w.WriteNull(name); }
    }
}
