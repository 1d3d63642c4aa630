using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Boomerang.Server.Auth;

/// <summary>
/// Per API key request rate (<c>Boomerang:Auth:RateLimit</c>), on ASP.NET's rate limiter: a token bucket per key;
/// over it, 429 <c>RATE_LIMITED</c> with <c>Retry-After</c>. Requests without a known key are not counted (they get
/// 401 from <see cref="ApiKeyFilter"/>), so random keys cannot grow the limiter's state.
/// </summary>
internal static class KeyRateLimiting
{
    public static IServiceCollection AddBoomerangRateLimiting(this IServiceCollection services) =>
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(Partition);
            limiter.OnRejected = RejectAsync;
        });

    private static RateLimitPartition<string> Partition(HttpContext http)
    {
        var options = http.RequestServices.GetRequiredService<IOptions<AuthOptions>>().Value.RateLimit;
        var presented = http.Request.Headers[ApiKeyFilter.Header].ToString();
        if (!options.Enabled || string.IsNullOrWhiteSpace(presented)
            || http.RequestServices.GetRequiredService<ApiKeyRing>().Find(presented) is not { } key)
        {
            return RateLimitPartition.GetNoLimiter("");
        }
        return RateLimitPartition.GetTokenBucketLimiter(key.KeyId, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = options.TokenLimit,
            TokensPerPeriod = options.RequestsPerSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        });
    }

    private static async ValueTask RejectAsync(OnRejectedContext context, CancellationToken ct)
    {
        var seconds = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
            ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)) : 1;
        context.HttpContext.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await context.HttpContext.Response.WriteAsJsonAsync(new
        {
            detail = new { error = "RATE_LIMITED", message = $"Too many requests for this API key; retry after {seconds} s" },
        }, ct);
    }
}
