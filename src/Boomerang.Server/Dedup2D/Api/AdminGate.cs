namespace Boomerang.Server.Dedup2D.Api;

internal static class AdminGate
{
    /// <summary>
    /// Until the server's admin token (<c>Boomerang.Server.Auth.AdminTokenFilter</c>) is available, admin routes answer 403:
    /// closed by default, never open.
    /// </summary>
    public static RouteHandlerBuilder RequireAdmin(this RouteHandlerBuilder route) =>
        route.AddEndpointFilter((context, _) => ValueTask.FromResult<object?>(
            Replies.Coded(403, "ADMIN_DISABLED", "admin routes need the server's admin token, which this build does not have yet")));
}
