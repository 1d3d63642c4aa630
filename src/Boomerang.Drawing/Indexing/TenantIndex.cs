using System.Numerics;
using Boomerang.Drawing.Features;

namespace Boomerang.Drawing.Indexing;

/// <summary>A slot's L1 distances to a query.</summary>
internal readonly record struct L1Hit(int Slot, int PHashDistance, int DHashDistance)
{
    public int Sum => PHashDistance + DHashDistance;
}

/// <summary>One tenant's drawings in struct arrays: multi-index hash tables over the pHash and the dHash (L1 recall
/// without a scan), the 704-byte descriptors for L2 in 4,096-slot chunks, the file hash as 32 bytes, and per ink-map
/// cell the number of drawings inking it (the tenant's template: frame and title block). Deletes leave a tombstone;
/// the arrays are rebuilt when half are tombstones.</summary>
public sealed class TenantIndex
{
    /// <summary>An ink-map cell inked in at least this share of the tenant's drawings belongs to the template.</summary>
    internal const double TemplateShare = 0.4;

    /// <summary>Below this many drawings there is no template (too few to tell a frame from a common shape).</summary>
    internal const int TemplateMinDrawings = 8;

    private const int Cells = DrawingFeatures.InkMapSide * DrawingFeatures.InkMapSide;

    private readonly ReaderWriterLockSlim _lock = new();
    private readonly Dictionary<FileHashKey, int> _byHash = [];
    private readonly Dictionary<int, string> _textHashes = [];
    private readonly int[] _cellCounts = new int[Cells];
    private Store _store = new();

    private sealed class Store
    {
        public readonly MultiIndexHash PHash = new();
        public readonly MultiIndexHash DHash = new();
        public readonly SlotArray<byte> Descriptors = new(DrawingFeatures.DescriptorLength);
        public readonly SlotArray<long> Ids = new();
        public readonly SlotArray<FileHashKey> Hashes = new();
        public readonly SlotArray<string?> Names = new();   // null: removed
        public int Slots;
    }

    /// <summary>Live drawings.</summary>
    public int Count { get { _lock.EnterReadLock(); try { return _byHash.Count; } finally { _lock.ExitReadLock(); } } }

    /// <summary>Adds or replaces (same file hash) a drawing.</summary>
    public void Upsert(IndexedDrawing drawing)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(drawing.Features.Descriptor.Length, DrawingFeatures.DescriptorLength);
        var key = FileHashKey.From(drawing.FileHash, out var isHex);
        _lock.EnterWriteLock();
        try
        {
            if (_byHash.TryGetValue(key, out var old)) Kill(old);
            var slot = Append(_store, drawing.DrawingId, key, drawing.FileName, drawing.Features.PHash, drawing.Features.DHash, drawing.Features.Descriptor);
            if (!isHex) _textHashes[slot] = drawing.FileHash;
            _byHash[key] = slot;
            CountCells(drawing.Features.Descriptor, +1);
            if (_store.Slots > 1024 && _byHash.Count < _store.Slots / 2) Compact();
        }
        finally { _lock.ExitWriteLock(); }
    }

    /// <summary>Removes a drawing; false when it was not indexed.</summary>
    public bool Remove(string fileHash)
    {
        var key = FileHashKey.From(fileHash, out _);
        _lock.EnterWriteLock();
        try
        {
            if (!_byHash.Remove(key, out var slot)) return false;
            Kill(slot);
            if (_store.Slots > 1024 && _byHash.Count < _store.Slots / 2) Compact();
            return true;
        }
        finally { _lock.ExitWriteLock(); }
    }

    /// <summary>The drawing with this hash, if indexed.</summary>
    public IndexedDrawing? Find(string fileHash)
    {
        var key = FileHashKey.From(fileHash, out _);
        _lock.EnterReadLock();
        try { return _byHash.TryGetValue(key, out var slot) ? Materialise(slot) : null; }
        finally { _lock.ExitReadLock(); }
    }

    /// <summary>L1 recall: every drawing whose pHash or dHash is within <paramref name="radius"/> bits of the query's.</summary>
    public List<(IndexedDrawing Drawing, int PHashDistance, int DHashDistance)> Recall(DrawingFeatures query, int radius)
    {
        _lock.EnterReadLock();
        try
        {
            var hits = new List<L1Hit>();
            RecallSlots(query.PHash, query.DHash, radius, hits);
            return [.. hits.Select(h => (Materialise(h.Slot), h.PHashDistance, h.DHashDistance))];
        }
        finally { _lock.ExitReadLock(); }
    }

    /// <summary>The same answer as <see cref="Recall"/> by scanning every drawing (for tests and the benchmark).</summary>
    public List<(IndexedDrawing Drawing, int PHashDistance, int DHashDistance)> RecallByScan(DrawingFeatures query, int radius)
    {
        _lock.EnterReadLock();
        try
        {
            var hits = new List<L1Hit>();
            ScanSlots(query.PHash, query.DHash, radius, hits);
            return [.. hits.Select(h => (Materialise(h.Slot), h.PHashDistance, h.DHashDistance))];
        }
        finally { _lock.ExitReadLock(); }
    }

    /// <summary>Every live drawing (listings, tests).</summary>
    public List<IndexedDrawing> Snapshot()
    {
        _lock.EnterReadLock();
        try
        {
            var list = new List<IndexedDrawing>(_byHash.Count);
            for (var s = 0; s < _store.Slots; s++) if (IsLive(s)) list.Add(Materialise(s));
            return list;
        }
        finally { _lock.ExitReadLock(); }
    }

    // ---- for the search engine, under Read() ----

    /// <summary>Holds the read lock until disposed.</summary>
    internal ReadScope Read()
    {
        _lock.EnterReadLock();
        return new ReadScope(_lock);
    }

    internal readonly struct ReadScope(ReaderWriterLockSlim held) : IDisposable
    {
        public void Dispose() => held.ExitReadLock();
    }

    internal int Slots => _store.Slots;

    /// <summary>The live slot holding this file hash, or −1.</summary>
    internal int SlotOf(string fileHash) => _byHash.TryGetValue(FileHashKey.From(fileHash, out _), out var slot) ? slot : -1;
    internal int LiveCount => _byHash.Count;
    internal bool IsLive(int slot) => _store.Names[slot] is not null;
    internal ulong PHashAt(int slot) => _store.PHash.CodeAt(slot);
    internal ulong DHashAt(int slot) => _store.DHash.CodeAt(slot);
    internal ReadOnlySpan<byte> DescriptorAt(int slot) => _store.Descriptors.Record(slot);

    internal string FileHashAt(int slot) => _textHashes.TryGetValue(slot, out var text) ? text : _store.Hashes[slot].ToHex();

    internal IndexedDrawing Materialise(int slot) => new(_store.Ids[slot], FileHashAt(slot), _store.Names[slot]!,
        new DrawingFeatures(PHashAt(slot), DHashAt(slot), DescriptorAt(slot).ToArray()));

    /// <summary>MIH recall into <paramref name="into"/>; returns the bucket entries touched (the work done).</summary>
    internal int RecallSlots(ulong p, ulong d, int radius, List<L1Hit> into)
    {
        var seen = new ulong[(_store.Slots + 63) / 64];
        var store = _store;
        void Visit(int slot)
        {
            if (store.Names[slot] is null) return;
            var dp = BitOperations.PopCount(store.PHash.CodeAt(slot) ^ p);
            var dd = BitOperations.PopCount(store.DHash.CodeAt(slot) ^ d);
            if (dp <= radius || dd <= radius) into.Add(new L1Hit(slot, dp, dd));
        }
        return store.PHash.Probe(p, radius, seen, Visit) + store.DHash.Probe(d, radius, seen, Visit);
    }

    /// <summary>Brute-force L1: every live slot within the radius on either hash.</summary>
    internal void ScanSlots(ulong p, ulong d, int radius, List<L1Hit> into)
    {
        var store = _store;
        for (var s = 0; s < store.Slots; s++)
        {
            var dp = BitOperations.PopCount(store.PHash.CodeAt(s) ^ p);
            var dd = BitOperations.PopCount(store.DHash.CodeAt(s) ^ d);
            if ((dp <= radius || dd <= radius) && store.Names[s] is not null) into.Add(new L1Hit(s, dp, dd));
        }
    }

    /// <summary>The tenant's template: ink-map cells inked in at least <see cref="TemplateShare"/> of its drawings
    /// (64 rows of 64 bits; all clear below <see cref="TemplateMinDrawings"/> drawings).</summary>
    internal void Template(Span<ulong> rows)
    {
        rows.Clear();
        var live = _byHash.Count;
        if (live < TemplateMinDrawings) return;
        var min = Math.Max(2, (int)Math.Ceiling(live * TemplateShare));
        for (var i = 0; i < Cells; i++)
            if (_cellCounts[i] >= min) rows[i >> 6] |= 1UL << (i & 63);
    }

    private static int Append(Store store, long id, FileHashKey key, string name, ulong p, ulong d, ReadOnlySpan<byte> descriptor)
    {
        var slot = store.PHash.Add(p);
        store.DHash.Add(d);
        store.Descriptors.Ensure(slot);
        store.Ids.Ensure(slot);
        store.Hashes.Ensure(slot);
        store.Names.Ensure(slot);
        descriptor.CopyTo(store.Descriptors.Record(slot));
        store.Ids[slot] = id;
        store.Hashes[slot] = key;
        store.Names[slot] = name;
        store.Slots = slot + 1;
        return slot;
    }

    private void Kill(int slot)
    {
        CountCells(_store.Descriptors.Record(slot), -1);
        _store.Names[slot] = null;
        _textHashes.Remove(slot);
    }

    private void CountCells(ReadOnlySpan<byte> descriptor, int delta)
    {
        var map = descriptor.Slice(DrawingFeatures.InkMapOffset, DrawingFeatures.InkMapBytes);
        for (var y = 0; y < DrawingFeatures.InkMapSide; y++)
        {
            var row = BitConverter.ToUInt64(map.Slice(y * 8, 8));
            while (row != 0)
            {
                var x = BitOperations.TrailingZeroCount(row);
                _cellCounts[(y << 6) + x] += delta;
                row &= row - 1;
            }
        }
    }

    private void Compact()
    {
        var old = _store;
        var fresh = new Store();
        var texts = new Dictionary<int, string>();
        _byHash.Clear();
        for (var s = 0; s < old.Slots; s++)
        {
            if (old.Names[s] is not { } name) continue;
            var slot = Append(fresh, old.Ids[s], old.Hashes[s], name, old.PHash.CodeAt(s), old.DHash.CodeAt(s), old.Descriptors.Record(s));
            if (_textHashes.TryGetValue(s, out var text)) texts[slot] = text;
            _byHash[old.Hashes[s]] = slot;
        }
        _textHashes.Clear();
        foreach (var (k, v) in texts) _textHashes[k] = v;
        _store = fresh;
    }
}
