using System.Numerics;

namespace Boomerang.Drawing.Indexing;

/// <summary>Multi-index hashing of 64-bit codes: four tables keyed by a 16-bit chunk each. Any code within Hamming
/// distance r of the query agrees with it to within ⌊r/4⌋ bits on at least one chunk (pigeonhole), so probing each
/// table with every key that close finds all of them without scanning. Buckets are singly linked lists through
/// chunked arrays (4 bytes per entry per table, plus the 8-byte code).</summary>
internal sealed class MultiIndexHash
{
    private const int Tables = 4;
    private readonly int[][] _heads = new int[Tables][];
    private readonly SlotArray<int> _next = new(Tables);
    private readonly SlotArray<ulong> _codes = new();
    private int _count;

    public MultiIndexHash()
    {
        for (var t = 0; t < Tables; t++)
        {
            _heads[t] = new int[1 << 16];
            Array.Fill(_heads[t], -1);
        }
    }

    public int Count => _count;

    /// <summary>Adds a code; returns its slot (slots are dense from 0).</summary>
    public int Add(ulong code)
    {
        var slot = _count++;
        _codes.Ensure(slot);
        _next.Ensure(slot);
        _codes[slot] = code;
        var next = _next.Record(slot);
        var spread = Spread(code);
        for (var t = 0; t < Tables; t++)
        {
            var key = (int)(spread >> (16 * t)) & 0xFFFF;
            next[t] = _heads[t][key];
            _heads[t][key] = slot;
        }
        return slot;
    }

    public ulong CodeAt(int slot) => _codes[slot];

    /// <summary>Calls <paramref name="visit"/> once per slot (not yet in <paramref name="seen"/>) that shares a chunk
    /// within ⌊radius/4⌋ bits with the query: a superset of the codes within <paramref name="radius"/>. Returns how many
    /// bucket entries were touched.</summary>
    public int Probe(ulong query, int radius, ulong[] seen, Action<int> visit)
    {
        var chunkRadius = Math.Min(4, radius / Tables);
        Span<int> keys = stackalloc int[KeysWithin(chunkRadius)];
        var touched = 0;
        var spread = Spread(query);
        for (var t = 0; t < Tables; t++)
        {
            var q = (int)(spread >> (16 * t)) & 0xFFFF;
            var n = Enumerate(q, chunkRadius, keys);
            var heads = _heads[t];
            for (var k = 0; k < n; k++)
                for (var slot = heads[keys[k]]; slot >= 0; slot = _next.Record(slot)[t])
                {
                    touched++;
                    ref var word = ref seen[slot >> 6];
                    var bit = 1UL << (slot & 63);
                    if ((word & bit) != 0) continue;
                    word |= bit;
                    visit(slot);
                }
        }
        return touched;
    }

    /// <summary>The tables' keys take every fourth bit (bit i goes to chunk i mod 4), not 16 neighbouring bits: a perceptual
    /// hash's neighbouring bits are neighbouring frequencies or cells, which drawings on one template set alike, so
    /// contiguous chunks would crowd a few buckets. A bit permutation keeps Hamming distances, so recall is unchanged.</summary>
    internal static ulong Spread(ulong code)
    {
        ulong spread = 0;
        for (var i = 0; i < 64; i++)
            spread |= ((code >> i) & 1) << ((i & 3) * 16 + (i >> 2));
        return spread;
    }

    /// <summary>Bytes held by the tables and codes.</summary>
    public long Bytes => Tables * (1L << 16) * 4 + _next.Bytes(4) + _codes.Bytes(8);

    private static int KeysWithin(int r) => r switch { 0 => 1, 1 => 17, 2 => 137, 3 => 697, _ => 2517 };

    // All 16-bit keys within r bits of q (r ≤ 4).
    private static int Enumerate(int q, int r, Span<int> into)
    {
        var n = 0;
        into[n++] = q;
        if (r >= 1) for (var a = 0; a < 16; a++) into[n++] = q ^ (1 << a);
        if (r >= 2) for (var a = 0; a < 16; a++) for (var b = a + 1; b < 16; b++) into[n++] = q ^ (1 << a) ^ (1 << b);
        if (r >= 3)
            for (var a = 0; a < 16; a++) for (var b = a + 1; b < 16; b++) for (var c = b + 1; c < 16; c++)
                        into[n++] = q ^ (1 << a) ^ (1 << b) ^ (1 << c);
        if (r >= 4)
            for (var a = 0; a < 16; a++) for (var b = a + 1; b < 16; b++) for (var c = b + 1; c < 16; c++) for (var d = c + 1; d < 16; d++)
                            into[n++] = q ^ (1 << a) ^ (1 << b) ^ (1 << c) ^ (1 << d);
        return n;
    }
}
