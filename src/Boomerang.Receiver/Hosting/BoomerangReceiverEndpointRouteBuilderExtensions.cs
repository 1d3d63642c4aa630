using System.Diagnostics.CodeAnalysis;
using Boomerang.Receiver.Callbacks;
using Boomerang.Receiver.Tasks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the Boomerang callback endpoint.</summary>
public static class BoomerangReceiverEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps <c>POST <paramref name="pattern"/></c> as the callback endpoint. The pattern must contain <c>{task_id}</c>;
    /// when null, <c>TaskTrackingOptions.CallbackPath</c> is used, the path the tracker puts in callback URLs.
    /// Answers: 200 <c>{"success": true, "message": "Callback processed" | "Already processed"}</c>; 400 malformed body or
    /// unknown event; 401 missing signature (when required); 403 invalid, tampered or stale signature; 404 unknown task;
    /// 413 body too large; 500 handler failed; 503 with <c>Retry-After</c> when another delivery for the task is still being applied after a 2 s wait.
    /// </summary>
    /// <returns>The endpoint's builder, to add authorization, rate limiting or metadata.</returns>
    public static RouteHandlerBuilder MapBoomerangCallback(this IEndpointRouteBuilder endpoints, [StringSyntax("Route")] string? pattern = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        pattern ??= endpoints.ServiceProvider.GetRequiredService<IOptions<TaskTrackingOptions>>().Value.CallbackPath;
        if (!pattern.Contains(TaskTrackingOptions.TaskIdPlaceholder, StringComparison.Ordinal))
        {
            throw new ArgumentException($"the callback route must contain {TaskTrackingOptions.TaskIdPlaceholder}", nameof(pattern));
        }
        return endpoints.MapPost(pattern, (HttpContext http, CallbackEndpoint endpoint) => endpoint.HandleAsync(http))
            .WithName("BoomerangCallback")
            .WithTags("Callbacks");
    }
}
