namespace Boomerang.Server.Auth;

/// <summary>Guards the jobs API: <c>X-API-Key</c> must name a configured key; the caller's tenant goes into the request.</summary>
internal sealed class ApiKeyFilter(ApiKeyRing keys) : IEndpointFilter
{
    public const string Header = "X-API-Key";
    private const string TenantItem = "boomerang.tenant";

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var presented = http.Request.Headers[Header].ToString();
        if (string.IsNullOrWhiteSpace(presented))
        {
            return ValueTask.FromResult<object?>(TypedResults.Json(new { detail = "Missing API Key" }, statusCode: 401));
        }
        if (keys.FindTenant(presented) is not { } tenant)
        {
            return ValueTask.FromResult<object?>(TypedResults.Json(new { detail = "Invalid API Key" }, statusCode: 401));
        }
        http.Items[TenantItem] = tenant;
        return next(context);
    }

    public static string TenantOf(HttpContext http) =>
        http.Items[TenantItem] as string ?? throw new InvalidOperationException("endpoint is not behind ApiKeyFilter");
}
