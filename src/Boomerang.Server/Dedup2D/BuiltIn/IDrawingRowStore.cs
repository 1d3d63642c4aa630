namespace Boomerang.Server.Dedup2D.BuiltIn;

/// <summary>One indexed drawing as stored: its features are what the in-memory index is rebuilt from at start.</summary>
internal sealed record DrawingRow(string TenantId, string FileHash, long DrawingId, string FileName, string UserName, byte[] Features, string Format);

/// <summary>Data access for the built-in engine's drawing rows, kept where the job store keeps its data: one implementation
/// per store provider (<see cref="Storage.Dedup2DStorageRegistration"/> picks it).</summary>
internal interface IDrawingRowStore
{
    /// <summary>Adds the row, or replaces its features and format when (tenant, file hash) is already stored.</summary>
    Task UpsertAsync(DrawingRow row, CancellationToken ct);
    Task<bool> DeleteAsync(string tenantId, string fileHash, CancellationToken ct);
    /// <summary>Every row, or one tenant's, oldest first. A row that cannot be read is skipped, never failing the read.</summary>
    Task<List<DrawingRow>> ListAsync(string? tenantId, CancellationToken ct);
}
