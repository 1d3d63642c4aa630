using System.Globalization;
using System.Text.Json;
using Boomerang.Jobs;

namespace Boomerang.Receiver.Callbacks;

/// <summary>
/// A callback body, read without binding so every mistake becomes a 400 that says what is wrong. Understands
/// Boomerang's payload (<c>event</c> = <c>job.*</c>, <c>job_id</c>, …), the seed's payload without <c>event</c>
/// (the event follows from <c>status</c>) and ContentHub's (<c>event</c> = completed/failed/progress, <c>taskId</c>).
/// </summary>
internal sealed record CallbackPayload(CallbackKind Kind, string Event, string? JobId, string? TaskId, int? Progress, JsonElement? Result, string? Error)
{
    public static (CallbackPayload? Payload, string? Problem) Parse(byte[] body)
    {
        JsonDocument doc;
        try
        {
            // Boomerang's text rule: a string or field name that is not valid Unicode is refused here, not met later.
            if (JsonTextRule.FindViolation(body) is { } violation)
            {
                return (null, violation);
            }
            doc = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            return (null, "body is not valid JSON");
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, "body must be a JSON object");
            }
            try
            {
                return Read(root);
            }
            catch (FormatException e)
            {
                return (null, e.Message);
            }
        }
    }

    /// <summary>The id a repeat of this delivery will carry, for senders that send no <c>webhook-id</c>.</summary>
    public string DerivedWebhookId()
    {
        var subject = JobId ?? $"task:{TaskId}";
        return Kind == CallbackKind.Progress
            ? $"{subject}:{Event}:{Progress?.ToString(CultureInfo.InvariantCulture)}"
            : $"{subject}:{Event}";
    }

    private static (CallbackPayload?, string?) Read(JsonElement root)
    {
        var jobId = OptionalString(root, "job_id");
        var taskId = OptionalString(root, "taskId") ?? OptionalString(root, "task_id");
        var @event = OptionalString(root, "event");
        if (@event is null)
        {
            // The seed's Dedup2D payload has no event; its status says which terminal event it is.
            var status = OptionalString(root, "status");
            if (jobId is null || status is not ("completed" or "failed" or "canceled"))
            {
                return (null, "missing field 'event'");
            }
            @event = CallbackEvent.ForStatus(status);
        }
        // Boomerang's event names, and the bare names of ContentHub's task callbacks.
        CallbackKind? kind = @event switch
        {
            CallbackEvent.Completed or "completed" => CallbackKind.Completed,
            CallbackEvent.Failed or "failed" => CallbackKind.Failed,
            CallbackEvent.Canceled => CallbackKind.Canceled,
            CallbackEvent.Progress or "progress" => CallbackKind.Progress,
            _ => null,
        };
        if (kind is null)
        {
            return (null, $"unknown event '{Clip(@event)}'");
        }
        var boomerang = @event.StartsWith("job.", StringComparison.Ordinal);
        if (boomerang && string.IsNullOrEmpty(jobId))
        {
            return (null, "missing field 'job_id'");
        }
        if (!boomerang && string.IsNullOrEmpty(taskId))
        {
            return (null, "missing field 'taskId'");
        }
        var progress = OptionalProgress(root);
        if (kind == CallbackKind.Progress && progress is null)
        {
            return (null, "a progress event needs a numeric 'progress'");
        }
        JsonElement? result = root.TryGetProperty("result", out var r) && r.ValueKind != JsonValueKind.Null ? r.Clone() : null;
        var error = root.TryGetProperty("error", out var e) ? e.ValueKind switch
        {
            JsonValueKind.Null => null,
            JsonValueKind.String => e.GetString(),
            _ => e.GetRawText(),
        } : null;
        return (new CallbackPayload(kind.Value, @event, jobId, taskId, progress, result, error), null);
    }

    private static string? OptionalString(JsonElement root, string name) =>
        !root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind == JsonValueKind.String ? value.GetString()
        : throw new FormatException($"field '{name}' must be a string");

    private static int? OptionalProgress(JsonElement root) =>
        !root.TryGetProperty("progress", out var value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var d) && double.IsFinite(d) ? (int)Math.Clamp(d, 0, 100)
        : throw new FormatException("field 'progress' must be a number");

    private static string Clip(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
