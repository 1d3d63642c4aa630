using System.Globalization;
using System.Text.Json;
using Boomerang.Jobs;
using Boomerang.Server.Storage;

namespace Boomerang.Server.Dashboard;

internal static partial class DashboardEndpoints
{
    // Relaxed escaping keeps "<" readable in the JSON; the page HTML-encodes it.
    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    // Fixed messages for ?done=…; the parameter itself is never echoed.
    private static readonly Dictionary<string, string> Done = new(StringComparer.Ordinal)
    {
        ["cancel"] = "Cancel requested: a pending job is canceled at once, a running one when its handler stops.",
        ["redeliver"] = "The callback is queued again with the same webhook id.",
        ["retry"] = "This job was submitted as a new attempt of the job it was retried from.",
    };

    private static async Task<IResult> JobAsync(string jobId, HttpContext http, DashboardSessions sessions, IJobStore store, CancellationToken ct)
    {
        if (sessions.Find(http) is not { } session)
        {
            return SignInFirst();
        }
        if (await FindVisibleAsync(jobId, session, store, ct) is not { } job)
        {
            return NotFound(http, session);
        }
        var detail = store is IDashboardStore queries ? await queries.GetDetailAsync(jobId, ct) : null;
        var attempts = await store.ListAttemptsAsync(jobId, ct);

        var body = new Html().Append("<h1>Job ").Text(job.Id).Append("</h1>");
        if (Done.TryGetValue(http.Request.Query["done"].ToString(), out var done))
        {
            body.Append("<p class=\"flash\">").Text(done).Append("</p>");
        }
        body.Append("<dl>");
        Field(body, "tenant", job.TenantId);
        Field(body, "kind", job.Kind);
        body.Append($"<dt>status</dt><dd class=\"{Html.Encode(job.Status)}\">").Text(job.Status).Append("</dd>");
        body.Append("<dt>progress</dt><dd><progress max=\"100\" value=\"").Text(job.Progress.ToString(CultureInfo.InvariantCulture))
            .Append("\"></progress> ").Text($"{job.Progress}%").Append("</dd>");
        Field(body, "attempt", job.Attempt.ToString(CultureInfo.InvariantCulture));
        Field(body, "idempotency key", detail?.IdempotencyKey ?? "–");
        Field(body, "callback URL", job.CallbackUrl ?? "–");
        if (job.CallbackUrl is not null)
        {
            Field(body, "callback", $"{job.CallbackStatus ?? "–"}, {job.CallbackAttempts ?? 0} attempt(s)"
                + (job.CallbackHttpStatus is { } h ? $", last HTTP {h}" : "")
                + (job.CallbackNextAttemptAt is { } n && job.CallbackStatus == CallbackStatus.Pending ? $", next at {Html.Time(n)}" : ""));
        }
        body.Append("</dl>");
        Actions(body, job);
        if (job.Error is not null)
        {
            body.Append("<h2>Error</h2><pre class=\"error\">").Text(job.Error).Append("</pre>");
        }
        body.Append("<h2>Input</h2><pre>").Text(Pretty(detail?.InputJson)).Append("</pre>");
        body.Append("<h2>Result</h2><pre>").Text(job.ResultJson is null ? "–" : Pretty(job.ResultJson)).Append("</pre>");

        body.Append("<h2>Timeline</h2><table><tr><th>time</th><th>what</th></tr>");
        var events = new List<(double At, string What)> { (job.CreatedAt, "submitted") };
        if (job.StartedAt is { } started) { events.Add((started, $"started (attempt {job.Attempt})")); }
        if (job.FinishedAt is { } finished) { events.Add((finished, $"finished: {job.Status}")); }
        events.AddRange(attempts.Select(a => (a.StartedAt, $"callback {a.Event} attempt {a.Attempt}: "
            + (a.HttpStatus is { } s ? $"HTTP {s}" : a.Error ?? "no answer"))));
        foreach (var (at, what) in events.OrderBy(e => e.At))
        {
            body.Append("<tr><td>").Text(Html.Time(at)).Append("</td><td>").Text(what).Append("</td></tr>");
        }
        body.Append("</table>");

        body.Append("<h2>Delivery attempts</h2>");
        if (attempts.Count == 0)
        {
            body.Append("<p>None yet.</p>");
        }
        else
        {
            body.Append("<table class=\"attempts\"><tr><th>time</th><th>event</th><th>attempt</th><th>webhook id</th><th>HTTP</th><th>duration</th><th>error</th><th>response (excerpt)</th></tr>");
            foreach (var a in attempts)
            {
                var ok = a.HttpStatus is >= 200 and < 300;
                body.Append("<tr><td>").Text(Html.Time(a.StartedAt)).Append("</td><td>").Text(a.Event).Append("</td><td>")
                    .Text(a.Attempt.ToString(CultureInfo.InvariantCulture)).Append("</td><td>").Text(a.WebhookId)
                    .Append($"</td><td class=\"{(ok ? "success" : "failed")}\">").Text(a.HttpStatus?.ToString(CultureInfo.InvariantCulture) ?? "–")
                    .Append("</td><td>").Text($"{a.DurationMs.ToString("0", CultureInfo.InvariantCulture)} ms").Append("</td><td>").Text(a.Error)
                    .Append("</td><td><code>").Text(a.ResponseBody is { Length: > 300 } r ? r[..300] + "…" : a.ResponseBody).Append("</code></td></tr>");
            }
            body.Append("</table>");
        }
        return DashboardLayout.Page(http, $"Job {job.Id}", session, body);
    }

    private static void Actions(Html body, JobRecord job)
    {
        var links = AllowedActions(job).Select(a =>
            $"<a class=\"button{(a == "cancel" ? " danger" : "")}\" href=\"/dashboard/jobs/{Html.Url(job.Id)}/{a}\">{ActionTitle(a)}…</a>").ToList();
        if (links.Count > 0)
        {
            body.Append("<p>").Append(string.Join(" ", links)).Append("</p>");
        }
    }

    private static IEnumerable<string> AllowedActions(JobRecord job)
    {
        if (!JobStatus.IsFinished(job.Status))
        {
            yield return "cancel";
        }
        if (JobStatus.IsFinished(job.Status) && job.CallbackUrl is not null)
        {
            yield return "redeliver";
        }
        if (job.Status is JobStatus.Failed or JobStatus.Canceled)
        {
            yield return "retry";
        }
    }

    private static string ActionTitle(string action) => action switch
    {
        "cancel" => "Cancel job",
        "redeliver" => "Redeliver callback",
        _ => "Retry as a new job",
    };

    private static void Field(Html body, string name, string? value) => body.Append("<dt>").Text(name).Append("</dt><dd>").Text(value).Append("</dd>");

    private static async Task<JobRecord?> FindVisibleAsync(string jobId, DashboardSession session, IJobStore store, CancellationToken ct) =>
        await store.GetAsync(jobId, ct) is { } job && session.CanSee(job.TenantId) ? job : null;

    // Another tenant's job answers exactly as a missing one: the page does not reveal that it exists.
    private static IResult NotFound(HttpContext http, DashboardSession session) =>
        DashboardLayout.Message(http, session, "Job not found", "No job with this id among the jobs you can see.", 404);

    private static string Pretty(string? json)
    {
        if (json is null)
        {
            return "–";
        }
        try
        {
            using var doc = JsonDocument.Parse(json);
            return JsonSerializer.Serialize(doc.RootElement, Indented);
        }
        catch (JsonException)
        {
            return json;
        }
    }
}
