namespace Boomerang.Server.Dedup2D.BuiltIn;

/// <summary>One indexed drawing as stored: its features are what the in-memory index is rebuilt from at start.</summary>
internal sealed record DrawingRow(string TenantId, string FileHash, long DrawingId, string FileName, string UserName, byte[] Features, string Format);

/// <summary>One line of the index listing: what a drawing office needs to see, never the features.</summary>
internal sealed record DrawingSummary(long DrawingId, string FileHash, string FileName, double IndexedAt, bool HasGeometry);

/// <summary>Where a listing page starts: after the drawing indexed at <paramref name="IndexedAt"/> with this hash.</summary>
internal sealed record DrawingPosition(double IndexedAt, string FileHash);

/// <summary>One entry of the change sequence: a drawing was added (or its features replaced) or deleted in a tenant.
/// <paramref name="Position"/> is opaque to callers: the SQL sequence number or the Redis stream id.</summary>
internal sealed record IndexChange(string Position, string TenantId, string FileHash, bool Deleted);

/// <summary>Data access for the built-in engine's drawing rows, kept where the job store keeps its data: one implementation
/// per store provider (<see cref="Storage.Dedup2DStorageRegistration"/> picks it). Every write that changes what a tenant's
/// index holds also appends to the change sequence, in the same transaction, in commit order.</summary>
internal interface IDrawingRowStore
{
    /// <summary>Adds the row, or replaces its features and format when (tenant, file hash) is already stored.</summary>
    Task UpsertAsync(DrawingRow row, CancellationToken ct);
    /// <summary>Replaces features and format of a row that is still stored; false (and nothing written) when it is gone.</summary>
    Task<bool> UpdateFeaturesAsync(string tenantId, string fileHash, byte[] features, string format, CancellationToken ct);
    Task<bool> DeleteAsync(string tenantId, string fileHash, CancellationToken ct);
    Task<DrawingRow?> GetAsync(string tenantId, string fileHash, CancellationToken ct);
    /// <summary>Whether any tenant still has a drawing with this hash (the geometry store is keyed by hash alone).</summary>
    Task<bool> HashInUseAsync(string fileHash, CancellationToken ct);
    /// <summary>Every row, or one tenant's, oldest first. A row that cannot be read is skipped, never failing the read.</summary>
    Task<List<DrawingRow>> ListAsync(string? tenantId, CancellationToken ct);
    /// <summary>One tenant's drawings, oldest first, after <paramref name="after"/>; at most <paramref name="limit"/>.</summary>
    Task<List<DrawingSummary>> PageAsync(string tenantId, DrawingPosition? after, int limit, CancellationToken ct);
    /// <summary>The position of the newest change (read before a full load, so nothing committed after it is missed).</summary>
    Task<string> ChangePositionAsync(CancellationToken ct);
    /// <summary>Changes after <paramref name="position"/>, oldest first, at most <paramref name="limit"/>.</summary>
    Task<List<IndexChange>> ChangesAfterAsync(string position, int limit, CancellationToken ct);
    /// <summary>Drops changes older than <paramref name="olderThan"/> (epoch seconds); nodes load fully at start, so only
    /// changes made while a node runs matter.</summary>
    Task PruneChangesAsync(double olderThan, CancellationToken ct);
}
