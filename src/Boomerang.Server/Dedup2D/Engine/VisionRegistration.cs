using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace Boomerang.Server.Dedup2D.Engine;

/// <summary>
/// The dedupcad-vision HTTP client: one resilience pipeline per endpoint (health, search, rebuild, add), each with its
/// own circuit breaker; health and search also retry (jittered exponential backoff that honours Retry-After), as the
/// seed's client does. Every attempt has its own timeout.
/// </summary>
internal static class VisionRegistration
{
    public const string ClientName = "dedupcad-vision";

    public static IServiceCollection AddDedupcadVision(this IServiceCollection services)
    {
        services.AddHttpClient(ClientName, (sp, client) =>
            {
                client.BaseAddress = new Uri(sp.GetRequiredService<IOptions<Dedup2DOptions>>().Value.VisionUrl.TrimEnd('/') + "/");
                client.Timeout = Timeout.InfiniteTimeSpan; // the pipeline times each attempt
            })
            .AddResilienceHandler("dedupcad-vision", (builder, context) =>
            {
                var o = context.ServiceProvider.GetRequiredService<IOptions<Dedup2DOptions>>().Value.Vision;
                if (context.InstanceName is "health" or "search" && o.RetryMaxAttempts > 1)
                {
                    builder.AddRetry(new HttpRetryStrategyOptions
                    {
                        MaxRetryAttempts = o.RetryMaxAttempts - 1,
                        BackoffType = DelayBackoffType.Exponential,
                        UseJitter = true,
                        Delay = TimeSpan.FromSeconds(o.RetryBaseDelaySeconds),
                        MaxDelay = TimeSpan.FromSeconds(Math.Max(o.RetryMaxDelaySeconds, o.RetryBaseDelaySeconds)),
                        ShouldRetryAfterHeader = true,
                    });
                }
                if (o.CircuitEnabled)
                {
                    // The seed opens after N consecutive failures; Polly counts a failure ratio in a window, so "every
                    // call in the window failed, and at least N of them" is the same rule.
                    builder.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
                    {
                        FailureRatio = 1.0,
                        MinimumThroughput = o.CircuitFailureThreshold,
                        SamplingDuration = TimeSpan.FromSeconds(Math.Max(30, o.CircuitRecoveryTimeoutSeconds)),
                        BreakDuration = TimeSpan.FromSeconds(o.CircuitRecoveryTimeoutSeconds),
                    });
                }
                builder.AddTimeout(TimeSpan.FromSeconds(o.TimeoutSeconds));
            })
            .SelectPipelineBy(_ => request => EndpointOf(request.RequestUri));
        services.AddSingleton<IDrawingEngine, DedupcadVisionEngine>();
        return services;
    }

    public static string EndpointOf(Uri? uri) => uri?.AbsolutePath.TrimEnd('/') switch
    {
        { } p when p.EndsWith("/health", StringComparison.Ordinal) => "health",
        { } p when p.EndsWith("/api/v2/search", StringComparison.Ordinal) => "search",
        { } p when p.EndsWith("/api/v2/index/rebuild", StringComparison.Ordinal) => "rebuild",
        { } p when p.EndsWith("/api/index/add", StringComparison.Ordinal) => "index_add",
        _ => "other",
    };
}
