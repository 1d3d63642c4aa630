using System.Globalization;
using Boomerang.Jobs;
using Boomerang.Server.Storage;

namespace Boomerang.Server.Dashboard;

internal static partial class DashboardEndpoints
{
    private const int PageSize = 50;

    private static async Task<IResult> JobsAsync(HttpContext http, DashboardSessions sessions, IJobStore store, CancellationToken ct)
    {
        if (sessions.Find(http) is not { } session)
        {
            return SignInFirst();
        }
        if (store is not IDashboardStore queries)
        {
            return Unsupported(http, session);
        }
        var query = http.Request.Query;
        var status = Trimmed(query["status"]);
        var kind = Trimmed(query["kind"]);
        var search = Trimmed(query["q"]);
        var tenant = session.IsAdmin ? Trimmed(query["tenant"]) : session.TenantId;
        long? before = null;
        if (Trimmed(query["before"]) is { } rawBefore)
        {
            if (!long.TryParse(rawBefore, NumberStyles.None, CultureInfo.InvariantCulture, out var seq))
            {
                return DashboardLayout.Message(http, session, "Bad page", "The page link is not valid; start again from the jobs list.", 400);
            }
            before = seq;
        }
        if (status is not null && !JobStatus.All.Contains(status))
        {
            return DashboardLayout.Message(http, session, "Bad filter", $"Unknown status. Use one of: {string.Join(", ", JobStatus.All)}.", 400);
        }
        var page = await queries.SearchAsync(new DashboardQuery(tenant, status, kind, search, before, PageSize), ct);

        var body = new Html().Append("<h1>Jobs</h1><form method=\"get\" action=\"/dashboard/jobs\">")
            .Append("<label>status <select name=\"status\"><option value=\"\">any</option>");
        foreach (var s in JobStatus.All)
        {
            body.Append($"<option{(s == status ? " selected" : "")}>{s}</option>");
        }
        body.Append("</select></label> <label>kind <input name=\"kind\" size=\"12\" value=\"").Text(kind).Append("\"></label> ")
            .Append("<label>job id or idempotency key <input name=\"q\" size=\"40\" value=\"").Text(search).Append("\"></label> ");
        if (session.IsAdmin)
        {
            body.Append("<label>tenant <input name=\"tenant\" size=\"18\" value=\"").Text(tenant).Append("\"></label> ");
        }
        body.Append("<button type=\"submit\">Filter</button></form><br>");
        if (page.Jobs.Count == 0)
        {
            body.Append("<p>No jobs match.</p>");
        }
        else
        {
            body.Append("<table><tr><th>job</th>").Append(session.IsAdmin ? "<th>tenant</th>" : "")
                .Append("<th>kind</th><th>status</th><th>progress</th><th>created</th><th>finished</th><th>callback</th></tr>");
            foreach (var j in page.Jobs)
            {
                body.Append("<tr><td><a href=\"/dashboard/jobs/").Append(Html.Url(j.Id)).Append("\">").Text(j.Id).Append("</a></td>");
                if (session.IsAdmin)
                {
                    body.Append("<td>").Text(j.TenantId).Append("</td>");
                }
                body.Append("<td>").Text(j.Kind).Append($"</td><td class=\"{Html.Encode(j.Status)}\">").Text(j.Status)
                    .Append("</td><td>").Text($"{j.Progress}%").Append("</td><td>").Text(Html.Time(j.CreatedAt))
                    .Append("</td><td>").Text(Html.Time(j.FinishedAt)).Append($"</td><td class=\"{Html.Encode(j.CallbackStatus)}\">")
                    .Text(j.CallbackStatus ?? "–").Append("</td></tr>");
            }
            body.Append("</table>");
        }
        if (page.NextCursor is { } next)
        {
            var link = $"/dashboard/jobs?before={next}" + Param("status", status) + Param("kind", kind) + Param("q", search)
                + (session.IsAdmin ? Param("tenant", tenant) : "");
            body.Append($"<p><a class=\"button\" href=\"{Html.Encode(link)}\">Older jobs →</a></p>");
        }
        return DashboardLayout.Page(http, "Jobs", session, body);
    }

    private static string? Trimmed(Microsoft.Extensions.Primitives.StringValues value) =>
        value.ToString().Trim() is { Length: > 0 } s ? s : null;

    private static string Param(string name, string? value) => value is null ? "" : $"&{name}={Uri.EscapeDataString(value)}";
}
