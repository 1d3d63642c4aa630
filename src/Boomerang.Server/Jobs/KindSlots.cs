namespace Boomerang.Server.Jobs;

/// <summary>
/// Per-kind slots for command kinds (child processes): never more than <c>Commands:&lt;kind&gt;:Concurrency</c> of one
/// kind run at once in this process. In-process kinds have no slots of their own; <c>Jobs:Concurrency</c> bounds them.
/// </summary>
internal sealed class KindSlots(JobsOptions options)
{
    private readonly Dictionary<string, SemaphoreSlim> _slots = options.Commands.ToDictionary(
        c => c.Key, c => new SemaphoreSlim(c.Value.ConcurrencyLimit, c.Value.ConcurrencyLimit), StringComparer.Ordinal);

    public bool IsLimited(string kind) => _slots.ContainsKey(kind);

    /// <summary>The slots of <paramref name="kind"/>, or null when it has none.</summary>
    public SemaphoreSlim? For(string kind) => _slots.GetValueOrDefault(kind);
}
