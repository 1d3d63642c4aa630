using System.Numerics;

namespace Boomerang.Drawing.Indexing;

/// <summary>Multi-index hashing of 64-bit codes: four tables keyed by a 16-bit chunk each. Any code within Hamming
/// distance r of the query agrees with it to within ⌊r/4⌋ bits on at least one chunk (pigeonhole), so probing each
/// table with every key that close finds all of them without scanning. Buckets are singly linked lists in arrays
/// (4 bytes per entry per table).</summary>
internal sealed class MultiIndexHash
{
    private const int Tables = 4;
    private readonly int[][] _heads = new int[Tables][];
    private int[][] _next = new int[Tables][];
    private ulong[] _codes = new ulong[1024];
    private int _count;

    public MultiIndexHash()
    {
        for (var t = 0; t < Tables; t++)
        {
            _heads[t] = new int[1 << 16];
            Array.Fill(_heads[t], -1);
            _next[t] = new int[1024];
        }
    }

    public int Count => _count;

    /// <summary>Adds a code; returns its slot (slots are dense from 0).</summary>
    public int Add(ulong code)
    {
        if (_count == _codes.Length)
        {
            Array.Resize(ref _codes, _codes.Length * 2);
            for (var t = 0; t < Tables; t++) Array.Resize(ref _next[t], _codes.Length);
        }
        var slot = _count++;
        _codes[slot] = code;
        for (var t = 0; t < Tables; t++)
        {
            var key = (int)(code >> (16 * t)) & 0xFFFF;
            _next[t][slot] = _heads[t][key];
            _heads[t][key] = slot;
        }
        return slot;
    }

    public ulong CodeAt(int slot) => _codes[slot];

    /// <summary>Calls <paramref name="found"/> once for each slot whose code is within <paramref name="radius"/> bits.</summary>
    public void Search(ulong query, int radius, HashSet<int> seen, Action<int, int> found)
    {
        var chunkRadius = radius / Tables;
        Span<int> keys = stackalloc int[KeysWithin(chunkRadius)];
        for (var t = 0; t < Tables; t++)
        {
            var q = (int)(query >> (16 * t)) & 0xFFFF;
            var n = Enumerate(q, chunkRadius, keys);
            for (var k = 0; k < n; k++)
                for (var slot = _heads[t][keys[k]]; slot >= 0; slot = _next[t][slot])
                {
                    if (!seen.Add(slot)) continue;
                    var d = BitOperations.PopCount(_codes[slot] ^ query);
                    if (d <= radius) found(slot, d);
                }
        }
    }

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
