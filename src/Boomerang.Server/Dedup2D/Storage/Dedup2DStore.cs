using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Boomerang.Server.Dedup2D.Precision;

namespace Boomerang.Server.Dedup2D.Storage;

/// <summary>
/// The geometry store (v2 JSON by file hash, reference §8.6) and the tenants' search defaults (§3.4), kept where the
/// job store keeps its data (<see cref="IDedup2DRecords"/>: SQLite, PostgreSQL or Redis). A row that cannot be read
/// reads as absent.
/// </summary>
internal sealed partial class Dedup2DStore(IDedup2DRecords records)
{
    public static bool IsSha256(string? hash) => hash is not null && Sha256().IsMatch(hash);

    public async Task<JsonObject?> GetGeometryAsync(string fileHash, CancellationToken ct)
    {
        RequireHash(fileHash);
        return ParseObject(await records.GetGeometryAsync(fileHash, ct).ConfigureAwait(false));
    }

    public async Task<bool> GeometryExistsAsync(string fileHash, CancellationToken ct)
    {
        RequireHash(fileHash);
        return await GetGeometryAsync(fileHash, ct).ConfigureAwait(false) is not null;
    }

    public Task PutGeometryAsync(string fileHash, JsonObject geometry, CancellationToken ct)
    {
        RequireHash(fileHash);
        return records.PutGeometryAsync(fileHash, CanonicalJson.Text(geometry), ct);
    }

    public Task DeleteGeometryAsync(string fileHash, CancellationToken ct)
    {
        RequireHash(fileHash);
        return records.DeleteGeometryAsync(fileHash, ct);
    }

    public async Task<JsonObject> GetConfigAsync(string tenantId, CancellationToken ct) =>
        ParseObject(await records.GetConfigAsync(tenantId, ct).ConfigureAwait(false)) ?? new JsonObject();

    public Task PutConfigAsync(string tenantId, JsonObject config, CancellationToken ct) =>
        records.PutConfigAsync(tenantId, config.ToJsonString(), ct);

    public Task DeleteConfigAsync(string tenantId, CancellationToken ct) => records.DeleteConfigAsync(tenantId, ct);

    private static void RequireHash(string fileHash)
    {
        if (!IsSha256(fileHash))
        {
            throw new ArgumentException("Invalid file_hash; expected 64-char lowercase hex sha256");
        }
    }

    private static JsonObject? ParseObject(string? text)
    {
        if (text is null)
        {
            return null;
        }
        try
        {
            return JsonNode.Parse(text) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex Sha256();
}
