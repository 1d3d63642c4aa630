using System.Text;
using System.Text.Json;
using Boomerang.Jobs;
using Boomerang.Server.Storage;

namespace Boomerang.Server.Api;

/// <summary>
/// Turns stored rows into API views without ever failing: a value that cannot be written as JSON (a row from an
/// older version, or edited by hand) is shown marked — a result as null, a text with U+FFFD — and
/// <c>render_error</c> says so, so one bad row never hides its neighbours behind a 500.
/// </summary>
internal static class JobViews
{
    public static JobView ToView(JobRecord j)
    {
        var problems = new List<string>(0);
        var result = Result(j.ResultJson, problems);
        return new JobView(
            Text(j.Id, "job_id", problems)!, Text(j.TenantId, "tenant_id", problems)!, Text(j.Kind, "kind", problems)!,
            Text(j.Status, "status", problems)!, j.CreatedAt, j.StartedAt, j.FinishedAt, j.Attempt, j.Progress,
            result, Text(j.Error, "error", problems), Text(j.CallbackUrl, "callback_url", problems),
            Text(j.CallbackStatus, "callback_status", problems), j.CallbackAttempts, j.CallbackHttpStatus, j.CallbackFinishedAt,
            Text(j.CallbackLastError, "callback_last_error", problems), j.CallbackNextAttemptAt,
            problems.Count == 0 ? null : string.Join("; ", problems));
    }

    public static DeliveryAttemptView ToView(DeliveryAttemptRecord a)
    {
        List<string> ignored = [];
        return new DeliveryAttemptView(Text(a.WebhookId, "webhook_id", ignored)!, Text(a.Event, "event", ignored)!, a.Attempt,
            a.StartedAt, a.DurationMs, a.HttpStatus, Text(a.Error, "error", ignored), Text(a.ResponseBody, "response_body", ignored));
    }

    private static JsonElement? Result(string? json, List<string> problems)
    {
        if (json is null)
        {
            return null;
        }
        string? why;
        try
        {
            why = JsonTextRule.IsWellFormed(json)
                ? JsonTextRule.FindViolation(Encoding.UTF8.GetBytes(json))
                : "it contains a lone surrogate";
        }
        catch (JsonException)
        {
            why = "it is not valid JSON";
        }
        if (why is not null)
        {
            problems.Add($"the stored result cannot be shown: {why}");
            return null;
        }
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.Clone();
    }

    private static string? Text(string? value, string field, List<string> problems)
    {
        if (value is null || JsonTextRule.IsWellFormed(value))
        {
            return value;
        }
        problems.Add($"the stored {field} is not valid Unicode; broken characters are shown as U+FFFD");
        return JsonTextRule.Repair(value);
    }
}
