using System.Collections.Concurrent;

namespace Boomerang.Server.Storage;

/// <summary>
/// Deliveries that a finish wrote already leased to this process's dispatcher (<see cref="IDeliveryHandOffStore"/>),
/// passed to it in memory. Only the hand-off is in memory: the outbox row was committed with the lease, so a delivery
/// this process never sends is claimed by any dispatcher once its lease expires.
/// <para>It is a fast path for a dispatcher that keeps up. When the dispatcher holds as many as it may, finishes
/// write their deliveries unleased and it claims them from the store, oldest first; hand-offs resume once a claim
/// finds the store drained, so a newer callback never overtakes an older one for long.</para>
/// </summary>
internal sealed class DeliveryHandOff(TimeProvider time)
{
    private readonly ConcurrentQueue<(DueDelivery Delivery, long HandedAt)> _queue = new();
    private int _held;
    private int _capacity;
    private int _batch;
    private Action? _posted;
    private volatile bool _open;
    private volatile bool _backlog;

    /// <summary>The lease owner of every delivery handed off here; the dispatcher of this process claims under it too.</summary>
    public string Dispatcher { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/dispatch/{Guid.NewGuid():N}";

    public TimeSpan Lease { get; private set; }

    /// <summary>How many more a finish may lease to the dispatcher now (at most a batch): none unless it runs here, has
    /// room, and the store holds no backlog of unleased deliveries.</summary>
    public int Room => _open && !_backlog ? Math.Clamp(_capacity - Volatile.Read(ref _held), 0, _batch) : 0;

    /// <summary>A dispatcher runs here and hand-offs are possible (it may be behind: <see cref="Behind"/>).</summary>
    public bool IsOpen => _open;

    /// <summary>The dispatcher here has more due than it can hold: finishes write unleased rows it claims later.</summary>
    public bool Behind => _open && _backlog;

    public bool Queued => !_queue.IsEmpty;

    /// <summary>Deliveries the dispatcher holds: handed off, claimed, waiting for a slot or being sent (until the
    /// receiver answered, or they were dropped or handed back).</summary>
    public int Held => Math.Max(0, Volatile.Read(ref _held));

    /// <summary>Called by the dispatcher when it starts: how long a handed-off lease lasts, how many it holds at most, how
    /// many one finish may lease to it, and what takes them in once they are posted.</summary>
    public void Open(TimeSpan lease, int capacity, int batch, Action posted)
    {
        Lease = lease;
        _capacity = capacity;
        _batch = batch;
        _posted = posted;
        _open = true;
    }

    /// <summary>No more hand-offs; whatever is still queued keeps its lease, which expires, and is claimed again.</summary>
    public void Close() => _open = false;

    /// <summary>A finish wrote deliveries unleased: the dispatcher claims them from the store before taking hand-offs again.</summary>
    public void Backlog() => _backlog = true;

    /// <summary>A claim found no more due deliveries in the store.</summary>
    public void Drained() => _backlog = false;

    public void Post(IReadOnlyList<DueDelivery> leased)
    {
        var now = time.GetTimestamp();
        Interlocked.Add(ref _held, leased.Count);
        foreach (var delivery in leased)
        {
            _queue.Enqueue((delivery, now));
        }
        _posted?.Invoke();
    }

    /// <summary>The next handed-off delivery and when it was handed over (a <see cref="TimeProvider"/> timestamp). It
    /// counts as held until <see cref="Done"/>.</summary>
    public bool TryTake(out DueDelivery delivery, out long handedAt)
    {
        if (_queue.TryDequeue(out var entry))
        {
            (delivery, handedAt) = entry;
            return true;
        }
        (delivery, handedAt) = (null!, 0);
        return false;
    }

    /// <summary>The dispatcher claimed deliveries from the store: they count as held too.</summary>
    public void Hold(int count) => Interlocked.Add(ref _held, count);

    /// <summary>Held deliveries were sent (the receiver answered or the attempt ended), dropped or handed back.</summary>
    public void Done(int count = 1) => Interlocked.Add(ref _held, -count);

    /// <summary>Whether a delivery leased at <paramref name="leasedAt"/> may still be sent by this process: at least
    /// half its lease is left. An older one is dropped instead; its lease runs out and a claim takes it, so this process
    /// does not send it while another may already hold it.</summary>
    public bool Fresh(long leasedAt) => time.GetElapsedTime(leasedAt) < Lease / 2;
}
