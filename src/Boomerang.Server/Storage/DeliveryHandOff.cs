using System.Collections.Concurrent;

namespace Boomerang.Server.Storage;

/// <summary>
/// Deliveries that a finish wrote already leased to this process's dispatcher (<see cref="IDeliveryHandOffStore"/>),
/// passed to it in memory. Only the hand-off is in memory: the outbox row was committed with the lease, so a delivery
/// this process never sends is claimed by any dispatcher once its lease expires.
/// </summary>
internal sealed class DeliveryHandOff(TimeProvider time)
{
    private readonly ConcurrentQueue<(DueDelivery Delivery, long HandedAt)> _queue = new();
    private int _count;
    private int _capacity;
    private volatile bool _open;

    /// <summary>The lease owner of every delivery handed off here; the dispatcher of this process claims under it too.</summary>
    public string Dispatcher { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/dispatch/{Guid.NewGuid():N}";

    public TimeSpan Lease { get; private set; }

    /// <summary>A finish leases to the dispatcher only while it runs here and has room for more.</summary>
    public bool Accepting => _open && Volatile.Read(ref _count) < _capacity;

    public int Queued => Volatile.Read(ref _count);

    /// <summary>Called by the dispatcher when it starts: how long a handed-off lease lasts, and how many may wait.</summary>
    public void Open(TimeSpan lease, int capacity)
    {
        Lease = lease;
        _capacity = capacity;
        _open = true;
    }

    /// <summary>No more hand-offs; whatever is still queued keeps its lease, which expires, and is claimed again.</summary>
    public void Close() => _open = false;

    public void Post(IReadOnlyList<DueDelivery> leased)
    {
        var now = time.GetTimestamp();
        foreach (var delivery in leased)
        {
            _queue.Enqueue((delivery, now));
        }
        Interlocked.Add(ref _count, leased.Count);
    }

    /// <summary>The next handed-off delivery and when it was handed over (a <see cref="TimeProvider"/> timestamp).</summary>
    public bool TryTake(out DueDelivery delivery, out long handedAt)
    {
        if (_queue.TryDequeue(out var entry))
        {
            Interlocked.Decrement(ref _count);
            (delivery, handedAt) = entry;
            return true;
        }
        (delivery, handedAt) = (null!, 0);
        return false;
    }

    /// <summary>Whether a delivery handed over at <paramref name="handedAt"/> may still be sent by this process: at least
    /// half its lease is left. An older one is dropped instead; its lease runs out and a claim takes it, so this process
    /// does not send it while another may already hold it.</summary>
    public bool Fresh(long handedAt) => time.GetElapsedTime(handedAt) < Lease / 2;
}
