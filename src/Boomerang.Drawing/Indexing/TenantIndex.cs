using System.Numerics;
using Boomerang.Drawing.Features;

namespace Boomerang.Drawing.Indexing;

/// <summary>One tenant's drawings: multi-index hash tables over the pHash and the dHash (L1 recall without a scan)
/// and the descriptors for L2. Deletes leave a tombstone; the tables are rebuilt when half are tombstones.</summary>
public sealed class TenantIndex
{
    private readonly ReaderWriterLockSlim _lock = new();
    private MultiIndexHash _phash = new();
    private MultiIndexHash _dhash = new();
    private List<IndexedDrawing?> _slots = [];
    private readonly Dictionary<string, int> _byHash = new(StringComparer.Ordinal);

    /// <summary>Live drawings.</summary>
    public int Count { get { _lock.EnterReadLock(); try { return _byHash.Count; } finally { _lock.ExitReadLock(); } } }

    /// <summary>Adds or replaces (same file hash) a drawing.</summary>
    public void Upsert(IndexedDrawing drawing)
    {
        _lock.EnterWriteLock();
        try
        {
            if (_byHash.TryGetValue(drawing.FileHash, out var old)) _slots[old] = null;
            var slot = _phash.Add(drawing.Features.PHash);
            _dhash.Add(drawing.Features.DHash);
            _slots.Add(drawing);
            _byHash[drawing.FileHash] = slot;
            if (_slots.Count > 1024 && _byHash.Count < _slots.Count / 2) Compact();
        }
        finally { _lock.ExitWriteLock(); }
    }

    /// <summary>Removes a drawing; false when it was not indexed.</summary>
    public bool Remove(string fileHash)
    {
        _lock.EnterWriteLock();
        try
        {
            if (!_byHash.Remove(fileHash, out var slot)) return false;
            _slots[slot] = null;
            if (_slots.Count > 1024 && _byHash.Count < _slots.Count / 2) Compact();
            return true;
        }
        finally { _lock.ExitWriteLock(); }
    }

    /// <summary>The drawing with this hash, if indexed.</summary>
    public IndexedDrawing? Find(string fileHash)
    {
        _lock.EnterReadLock();
        try { return _byHash.TryGetValue(fileHash, out var slot) ? _slots[slot] : null; }
        finally { _lock.ExitReadLock(); }
    }

    /// <summary>L1 recall: every drawing whose pHash or dHash is within <paramref name="radius"/> bits of the query's.</summary>
    public List<(IndexedDrawing Drawing, int PHashDistance, int DHashDistance)> Recall(DrawingFeatures query, int radius)
    {
        var result = new List<(IndexedDrawing, int, int)>();
        _lock.EnterReadLock();
        try
        {
            // Each table set needs its own "already checked" set (a slot too far by pHash may be close by dHash);
            // `reported` keeps a slot found by both once.
            var reported = new HashSet<int>();
            void Found(int slot, int _)
            {
                if (_slots[slot] is not { } d || !reported.Add(slot)) return;
                result.Add((d, BitOperations.PopCount(d.Features.PHash ^ query.PHash), BitOperations.PopCount(d.Features.DHash ^ query.DHash)));
            }
            _phash.Search(query.PHash, radius, [], Found);
            _dhash.Search(query.DHash, radius, [], Found);
        }
        finally { _lock.ExitReadLock(); }
        return result;
    }

    /// <summary>The same answer as <see cref="Recall"/> by scanning every drawing (for tests and the benchmark).</summary>
    public List<(IndexedDrawing Drawing, int PHashDistance, int DHashDistance)> RecallByScan(DrawingFeatures query, int radius)
    {
        var result = new List<(IndexedDrawing, int, int)>();
        foreach (var d in Snapshot())
        {
            var p = BitOperations.PopCount(d.Features.PHash ^ query.PHash);
            var h = BitOperations.PopCount(d.Features.DHash ^ query.DHash);
            if (p <= radius || h <= radius) result.Add((d, p, h));
        }
        return result;
    }

    /// <summary>Every live drawing (L2 scan in precise mode, listings).</summary>
    public List<IndexedDrawing> Snapshot()
    {
        _lock.EnterReadLock();
        try { return [.. _slots.OfType<IndexedDrawing>()]; }
        finally { _lock.ExitReadLock(); }
    }

    private void Compact()
    {
        var live = _slots.OfType<IndexedDrawing>().ToList();
        _phash = new MultiIndexHash();
        _dhash = new MultiIndexHash();
        _slots = new List<IndexedDrawing?>(live.Count);
        _byHash.Clear();
        foreach (var d in live)
        {
            _byHash[d.FileHash] = _phash.Add(d.Features.PHash);
            _dhash.Add(d.Features.DHash);
            _slots.Add(d);
        }
    }
}
