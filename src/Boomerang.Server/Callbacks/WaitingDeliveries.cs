using Boomerang.Server.Storage;

namespace Boomerang.Server.Callbacks;

/// <summary>
/// Deliveries leased to this dispatcher that wait in memory for a slot of their host, oldest first per host, so a
/// busy host's next delivery starts the moment one of its requests ends, without a store round trip.
/// </summary>
internal sealed class WaitingDeliveries
{
    private readonly Dictionary<string, Queue<(DueDelivery Delivery, long LeasedAt)>> _hosts = new(StringComparer.Ordinal);

    private int _count;

    public int Count => Volatile.Read(ref _count);

    /// <summary>Hosts with deliveries waiting.</summary>
    public IReadOnlyList<string> Hosts => HostsWithAtLeast(1);

    public IReadOnlyList<string> HostsWithAtLeast(int count)
    {
        lock (_hosts)
        {
            return _hosts.Where(h => h.Value.Count >= count).Select(h => h.Key).ToList();
        }
    }

    public int CountFor(string host)
    {
        lock (_hosts)
        {
            return _hosts.TryGetValue(host, out var queue) ? queue.Count : 0;
        }
    }

    /// <summary>Queues a delivery behind its host's others, unless <paramref name="perHost"/> already wait for it.</summary>
    public bool TryAdd(DueDelivery delivery, long leasedAt, int perHost)
    {
        lock (_hosts)
        {
            if (!_hosts.TryGetValue(delivery.Host, out var queue))
            {
                _hosts[delivery.Host] = queue = new Queue<(DueDelivery, long)>();
            }
            if (queue.Count >= perHost)
            {
                return false;
            }
            queue.Enqueue((delivery, leasedAt));
            _count++;
            return true;
        }
    }

    /// <summary>The oldest waiting delivery of <paramref name="host"/>, when <paramref name="take"/> (called under this
    /// queue's lock) says it goes now.</summary>
    public bool TryTake(string host, Func<DueDelivery, long, bool> take, out DueDelivery delivery, out long leasedAt)
    {
        lock (_hosts)
        {
            if (_hosts.TryGetValue(host, out var queue) && queue.TryPeek(out var next) && take(next.Delivery, next.LeasedAt))
            {
                queue.Dequeue();
                _count--;
                if (queue.Count == 0)
                {
                    _hosts.Remove(host);
                }
                (delivery, leasedAt) = next;
                return true;
            }
        }
        (delivery, leasedAt) = (null!, 0);
        return false;
    }

    /// <summary>Takes the newest deliveries waiting for <paramref name="host"/> beyond the oldest <paramref name="keep"/>.</summary>
    public List<DueDelivery> TakeNewestBeyond(string host, int keep)
    {
        lock (_hosts)
        {
            if (!_hosts.TryGetValue(host, out var queue) || queue.Count <= keep)
            {
                return [];
            }
            var kept = new Queue<(DueDelivery Delivery, long LeasedAt)>(queue.Take(keep));
            var taken = queue.Skip(keep).Select(e => e.Delivery).ToList();
            _hosts[host] = kept;
            _count -= taken.Count;
            return taken;
        }
    }

    /// <summary>Takes every delivery waiting for <paramref name="host"/> (all hosts when null).</summary>
    public List<DueDelivery> TakeAll(string? host = null)
    {
        var taken = new List<DueDelivery>();
        lock (_hosts)
        {
            foreach (var name in host is null ? _hosts.Keys.ToList() : [host])
            {
                if (_hosts.Remove(name, out var queue))
                {
                    taken.AddRange(queue.Select(e => e.Delivery));
                }
            }
            _count -= taken.Count;
        }
        return taken;
    }
}
