using System.Text.Json;
using Boomerang.Jobs;
using Boomerang.Server.Api;
using Boomerang.Server.Background;
using Boomerang.Server.Storage;
using Microsoft.AspNetCore.Antiforgery;

namespace Boomerang.Server.Dashboard;

internal static partial class DashboardEndpoints
{
    private static async Task<IResult> ConfirmAsync(string jobId, string action, HttpContext http, DashboardSessions sessions, IJobStore store,
        CancellationToken ct)
    {
        if (sessions.Find(http) is not { } session)
        {
            return SignInFirst();
        }
        if (await FindVisibleAsync(jobId, session, store, ct) is not { } job)
        {
            return NotFound(http, session);
        }
        if (!AllowedActions(job).Contains(action))
        {
            return DashboardLayout.Message(http, session, "Not possible", $"This job is {job.Status}; that action does not apply to it now.", 409);
        }
        var what = action switch
        {
            "cancel" => "Cancel this job? A pending job is canceled at once; a running one is asked to stop.",
            "redeliver" => "Send this job's callback again, with the same webhook id, to its callback URL?",
            _ => "Submit a new job with the same kind, input and callback URL?",
        };
        var body = new Html().Append("<h1>").Text(ActionTitle(action)).Append("</h1><p>").Text(what).Append("</p><p>Job <code>").Text(job.Id)
            .Append("</code> (").Text(job.Kind).Append(", ").Text(job.Status).Append(")</p>")
            .Append($"<form method=\"post\" action=\"/dashboard/jobs/{Html.Url(job.Id)}/{action}\">").Append(DashboardLayout.Antiforgery(http))
            .Append($"<button type=\"submit\" class=\"{(action == "cancel" ? "danger" : "")}\">Yes, {Html.Encode(ActionTitle(action).ToLowerInvariant())}</button> ")
            .Append($"<a href=\"/dashboard/jobs/{Html.Url(job.Id)}\">No, go back</a></form>");
        return DashboardLayout.Page(http, ActionTitle(action), session, body);
    }

    private static async Task<IResult> ActAsync(string jobId, string action, HttpContext http, DashboardSessions sessions, IJobStore store,
        IAntiforgery antiforgery, JobSignals signals, JobSubmission submission, CancellationToken ct)
    {
        if (sessions.Find(http) is not { } session)
        {
            return SignInFirst();
        }
        if (await RefuseForgeryAsync(http, antiforgery) is { } refused)
        {
            return refused;
        }
        if (await FindVisibleAsync(jobId, session, store, ct) is not { } job)
        {
            return NotFound(http, session);
        }
        if (!AllowedActions(job).Contains(action))
        {
            return DashboardLayout.Message(http, session, "Not possible", $"This job is {job.Status}; that action does not apply to it now.", 409);
        }
        var back = $"/dashboard/jobs/{Uri.EscapeDataString(jobId)}";
        switch (action)
        {
            case "cancel":
                if (await store.CancelAsync(jobId, ct) == CancelResult.CancelRequested)
                {
                    signals.RequestCancel(jobId);
                }
                return SeeOther($"{back}?done=cancel");
            case "redeliver":
                var outcome = await store.RedeliverAsync(jobId, ct);
                if (outcome.Result != RedeliverResult.Queued)
                {
                    return DashboardLayout.Message(http, session, "Not redelivered", $"The callback could not be queued again ({outcome.Result}).", 409);
                }
                signals.Deliveries.Set();
                return SeeOther($"{back}?done=redeliver");
            default:
                return await RetryAsync(http, session, store, submission, job, ct);
        }
    }

    // A retry is a new job (new id) with the same kind, input and callback, checked as any submission is.
    private static async Task<IResult> RetryAsync(HttpContext http, DashboardSession session, IJobStore store, JobSubmission submission,
        JobRecord job, CancellationToken ct)
    {
        if (store is not IDashboardStore queries || await queries.GetDetailAsync(job.Id, ct) is not { } detail)
        {
            return Unsupported(http, session);
        }
        using var input = JsonDocument.Parse(detail.InputJson);
        var request = new SubmitJobRequest(job.Kind, input.RootElement.Clone(), job.CallbackUrl, null,
            detail.WantsProgress ? [CallbackEvent.Progress] : null);
        var (prepared, error) = await submission.PrepareAsync(request, job.TenantId, ct);
        if (error is not null)
        {
            return DashboardLayout.Message(http, session, "Not retried", JsonSerializer.Serialize(error.Detail), error.Status);
        }
        var outcome = (await submission.SubmitAsync([prepared!], ct))[0];
        if (outcome.Result == SubmitResult.QueueFull)
        {
            return DashboardLayout.Message(http, session, "Not retried", "The queue is full (Boomerang:Jobs:MaxActive); try again later.", 429);
        }
        return SeeOther($"/dashboard/jobs/{Uri.EscapeDataString(outcome.JobId!)}?done=retry");
    }
}
