namespace Boomerang.Server.Dedup2D.Storage;

/// <summary>Data access behind <see cref="Dedup2DStore"/>: geometry JSON by file hash and tenant config JSON by tenant, as
/// text. One implementation per store provider (<see cref="Dedup2DStorageRegistration"/> picks it).</summary>
internal interface IDedup2DRecords
{
    Task<string?> GetGeometryAsync(string fileHash, CancellationToken ct);
    Task PutGeometryAsync(string fileHash, string json, CancellationToken ct);
    Task DeleteGeometryAsync(string fileHash, CancellationToken ct);
    Task<string?> GetConfigAsync(string tenantId, CancellationToken ct);
    Task PutConfigAsync(string tenantId, string json, CancellationToken ct);
    Task DeleteConfigAsync(string tenantId, CancellationToken ct);
}
