namespace Boomerang.Drawing.Indexing;

/// <summary>A growable array of fixed-size records in chunks of 4,096 slots, so growing never copies and never holds
/// more than one chunk of unused capacity (unlike doubling, which can leave half an array empty).</summary>
internal sealed class SlotArray<T>(int width = 1)
{
    private const int ChunkBits = 12;
    private const int ChunkSlots = 1 << ChunkBits;
    private readonly List<T[]> _chunks = [];

    /// <summary>Slots that have storage.</summary>
    public int Capacity => _chunks.Count * ChunkSlots;

    /// <summary>Makes slot <paramref name="slot"/> addressable.</summary>
    public void Ensure(int slot)
    {
        while (slot >= Capacity) _chunks.Add(new T[ChunkSlots * width]);
    }

    /// <summary>The first element of a slot.</summary>
    public ref T this[int slot] => ref _chunks[slot >> ChunkBits][(slot & (ChunkSlots - 1)) * width];

    /// <summary>The whole record of a slot.</summary>
    public Span<T> Record(int slot) => _chunks[slot >> ChunkBits].AsSpan((slot & (ChunkSlots - 1)) * width, width);

    /// <summary>Bytes held (for the memory figure).</summary>
    public long Bytes(int elementSize) => (long)_chunks.Count * ChunkSlots * width * elementSize;
}
