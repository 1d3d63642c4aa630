using Boomerang.Server.Callbacks;
using Boomerang.Server.Storage;

namespace Boomerang.UnitTests.Server;

public sealed class WaitingDeliveriesTests
{
    private static DueDelivery Delivery(long seq, string host) =>
        new(seq, $"msg_{seq}", $"job-{seq}", "t", "job.completed", $"https://{host}/hook", host, [], 0);

    [Fact]
    public void Cutting_a_host_back_hands_over_its_newest_and_keeps_its_oldest_in_order()
    {
        var waiting = new WaitingDeliveries();
        for (var seq = 1; seq <= 5; seq++)
        {
            Assert.True(waiting.TryAdd(Delivery(seq, "a"), seq, perHost: 10));
        }
        Assert.True(waiting.TryAdd(Delivery(6, "b"), 6, perHost: 10));

        Assert.Empty(waiting.TakeNewestBeyond("a", 5));
        var taken = waiting.TakeNewestBeyond("a", 2);

        Assert.Equal([3L, 4L, 5L], taken.Select(d => d.Seq));
        Assert.Equal(2, waiting.CountFor("a"));
        Assert.Equal(3, waiting.Count);
        var next = new List<long>();
        while (waiting.TryTake("a", (_, _) => true, out var delivery, out _))
        {
            next.Add(delivery.Seq);
        }
        Assert.Equal([1L, 2L], next);
        Assert.Equal(1, waiting.CountFor("b"));
    }
}
