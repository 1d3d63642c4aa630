using Boomerang.Receiver;
using Boomerang.Receiver.Callbacks;
using Boomerang.Receiver.Tasks;

namespace Boomerang.UnitTests.Receiver;

public sealed class TaskTransitionTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    private static TrackedTask Task(string status, int progress) =>
        new("t", "j", "k", null, status, progress, null, null, T0, T0, null);

    private static TaskEvent Event(CallbackKind kind, int? progress = null, string? error = null, CallbackSource source = CallbackSource.Callback) =>
        new(kind, "j", progress, null, error, "w", source);

    [Fact]
    public void Completion_sets_progress_to_100_and_records_how_it_settled()
    {
        var next = CallbackProcessor.Next(Task(TrackedTaskStatus.Running, 40), Event(CallbackKind.Completed, source: CallbackSource.Polling))!;
        Assert.Equal((TrackedTaskStatus.Completed, 100, SettledBy.Polling), (next.Status, next.Progress, next.SettledBy));
    }

    [Fact]
    public void Failure_keeps_progress_and_always_has_an_error()
    {
        var next = CallbackProcessor.Next(Task(TrackedTaskStatus.Running, 40), Event(CallbackKind.Failed))!;
        Assert.Equal((TrackedTaskStatus.Failed, 40, SettledBy.Callback), (next.Status, next.Progress, next.SettledBy));
        Assert.False(string.IsNullOrEmpty(next.Error));
    }

    [Fact]
    public void Progress_starts_a_pending_task_even_at_zero()
    {
        var next = CallbackProcessor.Next(Task(TrackedTaskStatus.Pending, 0), Event(CallbackKind.Progress, 0))!;
        Assert.Equal((TrackedTaskStatus.Running, 0), (next.Status, next.Progress));
    }

    [Theory]
    [InlineData(40)]
    [InlineData(10)]
    public void Progress_that_does_not_move_a_running_task_forward_changes_nothing(int reported)
    {
        Assert.Null(CallbackProcessor.Next(Task(TrackedTaskStatus.Running, 40), Event(CallbackKind.Progress, reported)));
    }
}
