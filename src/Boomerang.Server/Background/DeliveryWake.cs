namespace Boomerang.Server.Background;

/// <summary>
/// Wakes the dispatcher, and says whether the store may hold due deliveries it has not claimed. <see cref="Set"/> is
/// that hint (a finish, a rescue, a redelivery, another node's notification); <see cref="Nudge"/> only wakes it for
/// work already in memory (a handed-off delivery, a freed slot), so it does not poll the store for it.
/// </summary>
internal sealed class DeliveryWake
{
    private readonly WakeUp _wake = new();
    private int _storeDue = 1;

    public void Set()
    {
        Volatile.Write(ref _storeDue, 1);
        _wake.Set();
    }

    public void Nudge() => _wake.Set();

    /// <summary>True once per <see cref="Set"/>: the caller polls the store.</summary>
    public bool TakeStoreDue() => Interlocked.Exchange(ref _storeDue, 0) == 1;

    public Task WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken ct) => _wake.WaitAsync(timeout, time, ct);
}
