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
