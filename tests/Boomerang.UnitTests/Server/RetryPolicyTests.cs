using Boomerang.Server.Callbacks;

namespace Boomerang.UnitTests.Server;

public sealed class RetryPolicyTests
{
    [Fact]
    public void The_default_schedule_keeps_retrying_for_at_least_24_hours_even_with_the_shortest_jitter()
    {
        var defaults = new CallbacksOptions();
        var shortest = TimeSpan.FromSeconds(Enumerable.Range(1, defaults.MaxAttempts - 1)
            .Sum(n => RetryPolicy.NextDelay(defaults, n, null, jitter01: 0).TotalSeconds));

        Assert.True(shortest >= TimeSpan.FromHours(24), $"shortest span {shortest}");
        var nominal = TimeSpan.FromSeconds(Enumerable.Range(1, defaults.MaxAttempts - 1)
            .Sum(n => RetryPolicy.NextDelay(defaults, n, null, jitter01: 0.5).TotalSeconds));
        Assert.InRange(nominal.TotalHours, 26.5, 27);
    }

    [Theory]
    [InlineData(1, 5)]
    [InlineData(2, 10)]
    [InlineData(5, 80)]
    [InlineData(12, 10240)]
    [InlineData(13, 10800)]
    [InlineData(19, 10800)]
    public void Delays_double_from_the_base_up_to_the_cap(int attemptsMade, double seconds)
    {
        var delay = RetryPolicy.NextDelay(new CallbacksOptions(), attemptsMade, null, jitter01: 0.5);
        Assert.Equal(seconds, delay.TotalSeconds, 6);
    }

    [Fact]
    public void Jitter_stays_within_ten_percent()
    {
        var options = new CallbacksOptions();
        Assert.Equal(4.5, RetryPolicy.NextDelay(options, 1, null, 0).TotalSeconds, 6);
        Assert.Equal(5.5, RetryPolicy.NextDelay(options, 1, null, 1).TotalSeconds, 6);
    }

    [Fact]
    public void Retry_after_wins_when_longer_but_only_up_to_its_cap()
    {
        var options = new CallbacksOptions { RetryAfterMaxSeconds = 600 };
        Assert.Equal(120, RetryPolicy.NextDelay(options, 1, TimeSpan.FromSeconds(120), 0.5).TotalSeconds, 6);
        Assert.Equal(600, RetryPolicy.NextDelay(options, 1, TimeSpan.FromDays(2), 0.5).TotalSeconds, 6);
        Assert.Equal(5, RetryPolicy.NextDelay(options, 1, TimeSpan.FromSeconds(1), 0.5).TotalSeconds, 6);
    }

    [Theory]
    [InlineData(408, true)]
    [InlineData(425, true)]
    [InlineData(429, true)]
    [InlineData(500, true)]
    [InlineData(599, true)]
    [InlineData(301, false)]
    [InlineData(400, false)]
    [InlineData(404, false)]
    [InlineData(410, false)]
    public void Only_timeouts_throttling_and_server_errors_are_retried(int status, bool retried) =>
        Assert.Equal(retried, RetryPolicy.IsRetryable(status));
}

public sealed class RetryPolicyVerdictTests
{
    private static readonly CallbacksOptions Options = new() { MaxAttempts = 5, BackoffBaseSeconds = 5, BackoffMaxSeconds = 3600, RetryAfterMaxSeconds = 600 };

    private static SendResult Sent(SendKind kind, int? status = null, string? error = null, TimeSpan? retryAfter = null) =>
        new(kind, status, error, null, retryAfter, 12);

    public static TheoryData<string, string, int?, int, string, string, string> Rows => new()
    {
        // name, how the attempt ended, HTTP status, attempts made, verdict, why, what it says of the host
        { "2xx on the first attempt", "Answered", 200, 1, "Delivered", "Accepted", "Answered" },
        { "2xx on the last attempt", "Answered", 204, 5, "Delivered", "Accepted", "Answered" },
        { "a redirect is not followed", "Answered", 301, 1, "GiveUp", "FinalStatus", "Answered" },
        { "400", "Answered", 400, 1, "GiveUp", "FinalStatus", "Answered" },
        { "410 Gone: not wanted", "Answered", 410, 1, "GiveUp", "FinalStatus", "Answered" },
        { "408", "Answered", 408, 1, "RetryLater", "RetryableStatus", "Failed" },
        { "425", "Answered", 425, 2, "RetryLater", "RetryableStatus", "Failed" },
        { "429", "Answered", 429, 3, "RetryLater", "RetryableStatus", "Failed" },
        { "500", "Answered", 500, 4, "RetryLater", "RetryableStatus", "Failed" },
        { "503 on the last attempt", "Answered", 503, 5, "GiveUp", "OutOfAttempts", "Failed" },
        { "timeout", "TimedOut", null, 1, "RetryLater", "TimedOut", "Failed" },
        { "timeout on the last attempt", "TimedOut", null, 5, "GiveUp", "OutOfAttempts", "Failed" },
        { "no connection", "Unreachable", null, 1, "RetryLater", "Unreachable", "Failed" },
        { "no connection on the last attempt", "Unreachable", null, 5, "GiveUp", "OutOfAttempts", "Failed" },
        { "refused by the URL policy, first attempt", "Refused", null, 1, "GiveUp", "RefusedByPolicy", "Failed" },
        { "refused by the URL policy, last attempt", "Refused", null, 5, "GiveUp", "RefusedByPolicy", "Failed" },
        { "a fault on Boomerang's side", "Faulted", null, 1, "RetryLater", "Faulted", "Neutral" },
        { "a fault on Boomerang's side on the last attempt", "Faulted", null, 5, "GiveUp", "OutOfAttempts", "Neutral" },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void Every_way_an_attempt_ends_has_one_verdict(string name, string ended, int? status, int attempts, string expected,
        string because, string host)
    {
        var decision = RetryPolicy.Decide(Sent(Enum.Parse<SendKind>(ended), status), attempts, Options, jitter01: 0.5);
        var (verdict, why) = (Enum.Parse<Verdict>(expected), Enum.Parse<VerdictReason>(because));

        Assert.True((verdict, why, Enum.Parse<HostOutcome>(host)) == (decision.Verdict, decision.Why, decision.Host), name);
        Assert.Equal(verdict == Verdict.RetryLater, decision.RetryIn is not null);
    }

    [Fact]
    public void A_retry_is_due_after_the_backoff_for_the_attempts_made()
    {
        var decision = RetryPolicy.Decide(Sent(SendKind.Answered, 500), 3, Options, jitter01: 0.5);

        Assert.Equal(RetryPolicy.NextDelay(Options, 3, null, 0.5), decision.RetryIn);
        Assert.Equal(20, decision.RetryIn!.Value.TotalSeconds, 6);
    }

    [Fact]
    public void A_retry_after_header_pushes_the_next_attempt_back()
    {
        var decision = RetryPolicy.Decide(Sent(SendKind.Answered, 429, retryAfter: TimeSpan.FromSeconds(120)), 1, Options, 0.5);

        Assert.Equal(120, decision.RetryIn!.Value.TotalSeconds, 6);
    }

    [Theory]
    [InlineData("callback_url hostname resolves to private network")]
    [InlineData("callback host evil.test resolves to a blocked address")]
    [InlineData(null)]
    public void The_error_text_decides_nothing(string? error)
    {
        Assert.Equal(Verdict.RetryLater, RetryPolicy.Decide(Sent(SendKind.Answered, 500, error), 1, Options, 0.5).Verdict);
        Assert.Equal(Verdict.RetryLater, RetryPolicy.Decide(Sent(SendKind.Unreachable, null, error), 1, Options, 0.5).Verdict);
        Assert.Equal(Verdict.GiveUp, RetryPolicy.Decide(Sent(SendKind.Refused, null, error), 1, Options, 0.5).Verdict);
    }
}
