namespace Boomerang.Server.Callbacks;

/// <summary>Which outcomes are retried and when the next attempt is due.</summary>
internal static class RetryPolicy
{
    public static bool IsRetryable(int status) => status is 408 or 425 or 429 or >= 500;

    /// <summary>Delay after the n-th failed attempt: base·2^(n−1), capped, times a jitter in [0.9, 1.1];
    /// never less than what a Retry-After asked for (itself capped).</summary>
    public static TimeSpan NextDelay(CallbacksOptions options, int attemptsMade, TimeSpan? retryAfter, double jitter01)
    {
        var exponential = options.BackoffBaseSeconds * Math.Pow(2, Math.Max(0, attemptsMade - 1));
        var seconds = Math.Min(exponential, options.BackoffMaxSeconds) * (0.9 + (0.2 * jitter01));
        if (retryAfter is { } asked)
        {
            seconds = Math.Max(seconds, Math.Min(asked.TotalSeconds, options.RetryAfterMaxSeconds));
        }
        return TimeSpan.FromSeconds(seconds);
    }
}
