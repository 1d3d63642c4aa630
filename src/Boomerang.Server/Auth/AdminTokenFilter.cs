using System.Net.Http.Headers;

namespace Boomerang.Server.Auth;

/// <summary>
/// Guards admin endpoints with the <c>X-Admin-Token</c> header (or <c>Authorization: Bearer</c>, what Prometheus's
/// <c>authorization</c> setting sends): missing → 401, wrong → 403, and with no token configured → 403 saying how to
/// set one. Use it as <c>group.RequireAdminToken()</c>.
/// </summary>
internal sealed class AdminTokenFilter(AdminToken token) : IEndpointFilter
{
    public const string Header = "X-Admin-Token";

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        Refusal(token.Check(Presented(context.HttpContext.Request))) is { } refused
            ? ValueTask.FromResult<object?>(refused)
            : next(context);

    /// <summary>The token a request presents: its <c>X-Admin-Token</c> header, else the credentials of an
    /// <c>Authorization: Bearer</c> header; empty when it has neither.</summary>
    public static string Presented(HttpRequest request) =>
        request.Headers[Header].ToString() is { Length: > 0 } token ? token
        : AuthenticationHeaderValue.TryParse(request.Headers.Authorization.ToString(), out var auth)
            && string.Equals(auth.Scheme, "Bearer", StringComparison.OrdinalIgnoreCase) ? auth.Parameter ?? ""
        : "";

    /// <summary>The answer to a failed check, or null when the token is valid; for callers that check a token themselves.</summary>
    public static IResult? Refusal(AdminTokenCheck check) => check switch
    {
        AdminTokenCheck.Valid => null,
        AdminTokenCheck.Missing => TypedResults.Json(Error("ADMIN_TOKEN_MISSING", $"Missing {Header} header (or Authorization: Bearer)"), statusCode: 401),
        AdminTokenCheck.Wrong => TypedResults.Json(Error("ADMIN_TOKEN_INVALID", $"Invalid {Header}"), statusCode: 403),
        _ => TypedResults.Json(Error("ADMIN_DISABLED", AdminToken.NotConfiguredMessage), statusCode: 403),
    };

    private static object Error(string code, string message) => new { detail = new { error = code, message } };
}

internal static class AdminTokenEndpoints
{
    /// <summary>Puts the endpoint (or group) behind <see cref="AdminTokenFilter"/>.</summary>
    public static TBuilder RequireAdminToken<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter<TBuilder, AdminTokenFilter>();
}
