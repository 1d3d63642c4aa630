using Boomerang.Server.Auth;
using Microsoft.AspNetCore.Antiforgery;

namespace Boomerang.Server.Dashboard;

/// <summary>
/// <c>/dashboard</c>: server-rendered pages. Sign-in with an API key (that tenant's jobs) or the admin token (every
/// tenant), a session cookie (HttpOnly, SameSite=Strict, Secure over HTTPS), anti-forgery on every form.
/// </summary>
internal static partial class DashboardEndpoints
{
    public const string Root = "/dashboard";

    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(Root).ExcludeFromDescription();
        group.MapGet("/login", (HttpContext http) => LoginPage(http, null, 200));
        group.MapPost("/login", SignInAsync);
        group.MapPost("/logout", SignOutAsync);
        group.MapGet("/", OverviewAsync);
        group.MapGet("/jobs", JobsAsync);
        group.MapGet("/jobs/{jobId}", JobAsync);
        group.MapGet("/jobs/{jobId}/{action}", ConfirmAsync);
        group.MapPost("/jobs/{jobId}/{action}", ActAsync);
        return app;
    }

    private static IResult LoginPage(HttpContext http, string? error, int status)
    {
        var body = new Html().Append("<h1>Sign in</h1>");
        if (error is not null)
        {
            body.Append("<p class=\"error\">").Text(error).Append("</p>");
        }
        body.Append("<form method=\"post\" action=\"/dashboard/login\">").Append(DashboardLayout.Antiforgery(http))
            .Append("<p><label>API key or admin token<br><input type=\"password\" name=\"credential\" autocomplete=\"off\" size=\"60\" required autofocus></label></p>")
            .Append("<p><button type=\"submit\">Sign in</button></p></form>")
            .Append("<p class=\"muted\">An API key shows that tenant's jobs; the admin token (<code>Boomerang:Auth:AdminToken</code>) shows every tenant's.</p>");
        return DashboardLayout.Page(http, "Sign in", null, body, status);
    }

    private static async Task<IResult> SignInAsync(HttpContext http, IAntiforgery antiforgery, AdminToken admin, ApiKeyRing keys, DashboardSessions sessions)
    {
        if (await RefuseForgeryAsync(http, antiforgery) is { } refused)
        {
            return refused;
        }
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var credential = form["credential"].ToString();
        string? tenant;
        if (admin.Check(credential) == AdminTokenCheck.Valid)
        {
            tenant = null;
        }
        else if (credential.Length > 0 && keys.FindTenant(credential) is { } t)
        {
            tenant = t;
        }
        else
        {
            return LoginPage(http, "That is not a valid API key or admin token.", 401);
        }
        DashboardSessions.SetCookie(http, sessions.Create(tenant));
        return SeeOther(Root);
    }

    private static async Task<IResult> SignOutAsync(HttpContext http, IAntiforgery antiforgery, DashboardSessions sessions)
    {
        if (await RefuseForgeryAsync(http, antiforgery) is { } refused)
        {
            return refused;
        }
        sessions.End(http);
        return SeeOther($"{Root}/login");
    }

    /// <summary>Null when the form carries a valid anti-forgery token.</summary>
    private static async Task<IResult?> RefuseForgeryAsync(HttpContext http, IAntiforgery antiforgery)
    {
        try
        {
            await antiforgery.ValidateRequestAsync(http);
            return null;
        }
        catch (AntiforgeryValidationException)
        {
            return DashboardLayout.Message(http, null, "Form expired", "The form was not accepted (missing or stale anti-forgery token). Reload the page and try again.", 400);
        }
    }

    private static IResult SeeOther(string location) => new SeeOtherResult(location);

    private static IResult SignInFirst() => SeeOther($"{Root}/login");

    private sealed class SeeOtherResult(string location) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = StatusCodes.Status303SeeOther;
            httpContext.Response.Headers.Location = location;
            return Task.CompletedTask;
        }
    }
}
