namespace Boomerang.Server.Callbacks;

/// <summary>What becomes of a delivery after one attempt.</summary>
internal enum Verdict { Delivered, RetryLater, GiveUp }

/// <summary>Why: the attempt's typed outcome, never its error text.</summary>
internal enum VerdictReason
{
    /// <summary>The receiver answered 2xx.</summary>
    Accepted,
    /// <summary>The receiver answered with a status that is not retried (3xx, 4xx other than 408/425/429; 410 means "not wanted").</summary>
    FinalStatus,
    /// <summary>408, 425, 429 or 5xx.</summary>
    RetryableStatus,
    TimedOut,
    /// <summary>The host did not resolve, or no connection could be made.</summary>
    Unreachable,
    /// <summary>The callback URL policy refused the destination: the stored URL judged again, or the address it resolved
    /// to at connect time. The same policy refuses it at submit, so waiting does not help.</summary>
    RefusedByPolicy,
    /// <summary>Boomerang faulted while sending (<see cref="SendKind.Faulted"/>): retried like a network error, so
    /// <c>MaxAttempts</c> ends one that repeats.</summary>
    Faulted,
    /// <summary>Worth retrying, but this was the last attempt allowed.</summary>
    OutOfAttempts,
}

/// <summary>What an attempt says of the receiving host, for its circuit and its concurrency (<see cref="HostGates"/>).</summary>
internal enum HostOutcome
{
    /// <summary>It answered with a status that ends the delivery (2xx, or one not worth retrying).</summary>
    Answered,
    /// <summary>It timed out, could not be reached, answered 408/425/429/5xx, or the policy refused where it resolved.</summary>
    Failed,
    /// <summary>Nothing: the attempt faulted on Boomerang's side before the host could answer.</summary>
    Neutral,
}

/// <summary>A delivery's verdict after an attempt; <see cref="RetryIn"/> is set for <see cref="Verdict.RetryLater"/> only.
/// <see cref="Host"/>: what the attempt says of the host.</summary>
internal sealed record DeliveryDecision(Verdict Verdict, VerdictReason Why, HostOutcome Host, TimeSpan? RetryIn = null);

/// <summary>Which outcomes are retried and when the next attempt is due.</summary>
internal static class RetryPolicy
{
    public static bool IsRetryable(int status) => status is 408 or 425 or 429 or >= 500;

    /// <summary>The verdict on attempt number <paramref name="attemptsMade"/> (counting this one).</summary>
    public static DeliveryDecision Decide(SendResult sent, int attemptsMade, CallbacksOptions options, double jitter01)
    {
        var why = sent.Kind switch
        {
            SendKind.Answered when sent.HttpStatus is >= 200 and < 300 => VerdictReason.Accepted,
            SendKind.Answered when sent.HttpStatus is not { } code || !IsRetryable(code) => VerdictReason.FinalStatus,
            SendKind.Answered => VerdictReason.RetryableStatus,
            SendKind.TimedOut => VerdictReason.TimedOut,
            SendKind.Refused => VerdictReason.RefusedByPolicy,
            SendKind.Faulted => VerdictReason.Faulted,
            _ => VerdictReason.Unreachable,
        };
        // Anything but an answer that ends the delivery counts against the host; a fault of Boomerang's own says nothing of it.
        var host = why switch
        {
            VerdictReason.Accepted or VerdictReason.FinalStatus => HostOutcome.Answered,
            VerdictReason.Faulted => HostOutcome.Neutral,
            _ => HostOutcome.Failed,
        };
        return why switch
        {
            VerdictReason.Accepted => new(Verdict.Delivered, why, host),
            VerdictReason.FinalStatus or VerdictReason.RefusedByPolicy => new(Verdict.GiveUp, why, host),
            _ when attemptsMade >= options.MaxAttempts => new(Verdict.GiveUp, VerdictReason.OutOfAttempts, host),
            _ => new(Verdict.RetryLater, why, host, NextDelay(options, attemptsMade, sent.RetryAfter, jitter01)),
        };
    }

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
