namespace Boomerang.Server.Storage;

/// <summary>Where a finish may lease the deliveries it writes: this process's dispatcher, for how long, and at most how many.</summary>
internal sealed record HandOffLease(string Dispatcher, TimeSpan Lease, int Max);

/// <summary>Outbox entries gathered in one transaction, for the store to write in one statement; each is written
/// unleased or already leased to a dispatcher (a hand-off), and the write gives back the leased ones' seq.</summary>
internal sealed class OutboxRows
{
    private readonly List<(OutboxEntry Entry, string? LeaseOwner, double? LeaseUntil)> _rows = [];

    public int Count => _rows.Count;

    /// <summary>Rows written already leased to a dispatcher; the store returns their seq.</summary>
    public int LeasedCount { get; private set; }

    public IReadOnlyList<(OutboxEntry Entry, string? LeaseOwner, double? LeaseUntil)> Rows => _rows;

    public void Add(OutboxEntry? entry, string? leaseOwner = null, double? leaseUntil = null)
    {
        if (entry is not null)
        {
            _rows.Add((entry, leaseOwner, leaseUntil));
            LeasedCount += leaseOwner is null ? 0 : 1;
        }
    }

    /// <summary>A finish's terminal entry: leased to the dispatcher when the finish hands off, the entry is due now, and
    /// fewer than its maximum were leased so far; otherwise written for any dispatcher to claim.</summary>
    public void AddFinished(OutboxEntry? entry, HandOffLease? handOff, double now)
    {
        if (handOff is not null && entry is not null && Outbox.IsDue(entry, now) && LeasedCount < handOff.Max)
        {
            Add(entry, handOff.Dispatcher, now + handOff.Lease.TotalSeconds);
        }
        else
        {
            Add(entry);
        }
    }

    /// <summary>The leased entries, once the write's (webhook id, seq) pairs are known.</summary>
    public IEnumerable<DueDelivery> Leased(IReadOnlyDictionary<string, long> seqs) => _rows
        .Where(r => r.LeaseOwner is not null).Select(r => Outbox.Leased(r.Entry, seqs[r.Entry.WebhookId]));
}
