using Microsoft.AspNetCore.Antiforgery;

namespace Boomerang.Server.Dashboard;

/// <summary>The page frame, the security headers every page carries, and the anti-forgery field of every form.</summary>
internal static class DashboardLayout
{
    private const string Style = """
        body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#1d2430;background:#f6f7f9}
        header{background:#1d2430;color:#fff;padding:.6em 1.2em;display:flex;gap:1.2em;align-items:center}
        header a{color:#cfe0ff;text-decoration:none}header .who{margin-left:auto;color:#aab}
        main{padding:1em 1.2em;max-width:1200px}h1{font-size:1.35em;margin:.2em 0 .8em}h2{font-size:1.1em;margin:1.4em 0 .5em}
        table{border-collapse:collapse;background:#fff;width:100%}th,td{border:1px solid #dde1e7;padding:.35em .55em;text-align:left;vertical-align:top}
        th{background:#eef1f5;font-weight:600}pre{background:#fff;border:1px solid #dde1e7;padding:.6em;overflow:auto;max-height:24em;white-space:pre-wrap;word-break:break-all}
        .completed,.success,.closed{color:#137333}.failed,.open{color:#b3261e}.canceled,.skipped{color:#666}.pending,.in_progress,.half-open{color:#9a6700}
        .flash{background:#e6f4ea;border:1px solid #a8dab5;padding:.5em .8em}.error{background:#fce8e6;border:1px solid #f4b4ae;padding:.5em .8em}
        form.inline{display:inline}button,.button{background:#1d4ed8;color:#fff;border:0;padding:.4em .9em;border-radius:3px;cursor:pointer;text-decoration:none;font:inherit}
        .danger{background:#b3261e}input,select{font:inherit;padding:.25em}.muted{color:#667}dl{display:grid;grid-template-columns:max-content 1fr;gap:.2em 1em}dt{font-weight:600}
        """;

    public static IResult Page(HttpContext http, string title, DashboardSession? session, Html body, int status = 200)
    {
        var page = new Html().Append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
            .Text(title).Append(" · Boomerang</title><style>").Append(Style).Append("</style></head><body><header><strong>Boomerang</strong>");
        if (session is not null)
        {
            page.Append("<a href=\"/dashboard\">Overview</a><a href=\"/dashboard/jobs\">Jobs</a><span class=\"who\">")
                .Text(session.IsAdmin ? "admin · all tenants" : $"tenant {session.TenantId}").Append("</span>")
                .Append("<form class=\"inline\" method=\"post\" action=\"/dashboard/logout\">").Append(Antiforgery(http))
                .Append("<button type=\"submit\">Sign out</button></form>");
        }
        page.Append("</header><main>").Append(body.ToString()).Append("</main></body></html>");
        var headers = http.Response.Headers;
        // No script at all; styles inline; forms post only here; never framed.
        headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers.CacheControl = "no-store";
        return TypedResults.Content(page.ToString(), "text/html; charset=utf-8", statusCode: status);
    }

    /// <summary>The hidden anti-forgery field; its cookie is set on the same response.</summary>
    public static string Antiforgery(HttpContext http)
    {
        var tokens = http.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(http);
        return $"<input type=\"hidden\" name=\"{Html.Encode(tokens.FormFieldName)}\" value=\"{Html.Encode(tokens.RequestToken)}\">";
    }

    public static IResult Message(HttpContext http, DashboardSession? session, string title, string message, int status) =>
        Page(http, title, session, new Html().Tag("h1", title).Append("<p class=\"error\">").Text(message).Append("</p>"), status);
}
