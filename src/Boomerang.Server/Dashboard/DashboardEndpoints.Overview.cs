using Boomerang.Jobs;
using Boomerang.Server.Callbacks;
using Boomerang.Server.Storage;
using Boomerang.Server.Configuration;

namespace Boomerang.Server.Dashboard;

internal static partial class DashboardEndpoints
{
    // Host errors are looked for among this many latest deliveries of the scope.
    private const int HostWindow = 5000;

    private static async Task<IResult> OverviewAsync(HttpContext http, DashboardSessions sessions, IJobStore store, HostGates gates,
        ServerRoles roles, TimeProvider time, CancellationToken ct)
    {
        if (sessions.Find(http) is not { } session)
        {
            return SignInFirst();
        }
        if (store is not IDashboardStore queries)
        {
            return Unsupported(http, session);
        }
        var counts = await queries.CountByStatusAsync(session.TenantId, ct);
        var hosts = await queries.HostErrorsAsync(session.TenantId, HostWindow, ct);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0;
        var lastMinute = await queries.FinishedSinceAsync(session.TenantId, now - 60, ct);
        var lastFive = await queries.FinishedSinceAsync(session.TenantId, now - 300, ct);
        var circuits = gates.Snapshot().ToDictionary(g => g.Host, StringComparer.Ordinal);

        var body = new Html().Append("<h1>Overview</h1><h2>Jobs by status</h2><table><tr>");
        foreach (var status in JobStatus.All)
        {
            body.Append("<th>").Text(status).Append("</th>");
        }
        body.Append("<th>total</th></tr><tr>");
        foreach (var status in JobStatus.All)
        {
            body.Append($"<td><a class=\"{status}\" href=\"/dashboard/jobs?status={status}\">").Text(Count(counts, status)).Append("</a></td>");
        }
        body.Append("<td>").Text(counts.Values.Sum().ToString(System.Globalization.CultureInfo.InvariantCulture)).Append("</td></tr></table>")
            .Append("<p>Queue depth (pending): <strong>").Text(Count(counts, JobStatus.Pending)).Append("</strong> · running: <strong>")
            .Text(Count(counts, JobStatus.InProgress)).Append("</strong></p>");

        // From the store, so the figures cover every node.
        body.Append("<h2>Throughput</h2><table><tr><th></th><th>jobs finished</th><th>callbacks delivered</th></tr>")
            .Append("<tr><td>last minute</td><td class=\"rate\">").Text(Rate(lastMinute.Jobs, 60)).Append("</td><td class=\"rate\">")
            .Text(Rate(lastMinute.Callbacks, 60)).Append("</td></tr>")
            .Append("<tr><td>last 5 minutes</td><td class=\"rate\">").Text(Rate(lastFive.Jobs, 300)).Append("</td><td class=\"rate\">")
            .Text(Rate(lastFive.Callbacks, 300)).Append("</td></tr></table>");

        body.Append("<h2>Callback hosts with errors</h2>");
        if (!roles.Dispatcher)
        {
            body.Append("<p class=\"muted\">This node does not send callbacks, so it knows no circuit states; the errors below come from the store.</p>");
        }
        // Hosts with errors in the store, plus (for the admin) hosts this dispatcher is pacing that have none recorded yet.
        var rows = hosts.Select(h => (h.Host, Errors: h)).ToList();
        if (session.IsAdmin)
        {
            rows.AddRange(circuits.Keys.Where(k => hosts.All(h => h.Host != k)).Select(k => (k, (HostErrors)null!)));
        }
        if (rows.Count == 0)
        {
            body.Append("<p>None: no retrying or failed callback among the latest deliveries.</p>");
        }
        else
        {
            body.Append("<table><tr><th>host</th><th>circuit</th><th>failures in a row</th><th>retrying</th><th>failed</th><th>last error</th></tr>");
            foreach (var (host, errors) in rows)
            {
                var gate = circuits.GetValueOrDefault(host);
                var state = gate is null ? "closed" : gate.State switch { CircuitState.Open => "open", CircuitState.HalfOpen => "half-open", _ => "closed" };
                body.Append("<tr><td>").Text(host).Append($"</td><td class=\"{state}\">").Text(state)
                    .Append(gate?.OpenUntil is { } until && gate.State == CircuitState.Open ? $" until {Html.Encode(until.UtcDateTime.ToString("HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture))}" : "")
                    .Append("</td><td>").Text((gate?.Failures ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture))
                    .Append("</td><td>").Text(errors?.Retrying.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "–")
                    .Append("</td><td>").Text(errors?.Failed.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "–")
                    .Append("</td><td>").Text(errors is null ? "" : $"{errors.LastError}{(errors.LastHttpStatus is { } h ? $" (HTTP {h})" : "")}")
                    .Append("</td></tr>");
            }
            body.Append("</table>");
        }
        return DashboardLayout.Page(http, "Overview", session, body);
    }

    // The count as well as the rate, so a quiet system does not read as zero.
    private static string Rate(long count, int seconds) => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"{count / (double)seconds:0.###}/s ({count})");

    private static string Count(IReadOnlyDictionary<string, long> counts, string status) =>
        counts.GetValueOrDefault(status).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static IResult Unsupported(HttpContext http, DashboardSession session) =>
        DashboardLayout.Message(http, session, "Not available", "This store does not support the dashboard's queries.", 501);
}
