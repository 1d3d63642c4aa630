using Boomerang.Server.Jobs;
using Boomerang.Server.Storage;

namespace Boomerang.UnitTests.Server;

public sealed class RunningJobTests
{
    private static ClaimedJob Job() => new("j1", "t1", "sleep", "{}", 1, null, false);

    [Fact]
    public async Task A_cancel_that_arrives_after_the_timeout_fired_does_not_turn_the_timeout_into_a_cancel()
    {
        using var run = new RunningJob(Job(), TimeProvider.System, TimeSpan.FromMilliseconds(1));
        var fired = new TaskCompletionSource();
        using var _ = run.Token.Register(() => fired.TrySetResult());
        await fired.Task.WaitAsync(TimeSpan.FromSeconds(10));

        run.Stop(StopReason.Canceled);

        Assert.Equal(StopReason.Timeout, run.StopReason);
    }

    [Fact]
    public void The_first_stop_reason_wins_and_fires_the_token()
    {
        using var run = new RunningJob(Job(), TimeProvider.System, TimeSpan.FromHours(1));
        Assert.Equal(StopReason.None, run.StopReason);

        run.Stop(StopReason.Canceled);
        run.Stop(StopReason.Shutdown);

        Assert.True(run.Token.IsCancellationRequested);
        Assert.Equal(StopReason.Canceled, run.StopReason);
    }
}
