using System.Text.Json;
using System.Text.Json.Serialization;
using Boomerang.Server.Dedup2D.Storage;
using Boomerang.Server.Storage.Redis;
using StackExchange.Redis;

namespace Boomerang.Server.Dedup2D.BuiltIn;

/// <summary>The built-in engine's rows in Redis under the store's key prefix: one hash per tenant,
/// <c>{p}:builtin:drawings:{tenant_id}</c>, field = file hash, value = the row as JSON (features base64); the set
/// <c>{p}:builtin:tenants</c> names the tenants that have one, for the start-up load.</summary>
internal sealed class RedisDrawingRowStore(IConnectionMultiplexer redis, RedisKeys keys, TimeProvider time) : IDrawingRowStore
{
    public Task UpsertAsync(DrawingRow row, CancellationToken ct) => RedisData.RunAsync(async db =>
    {
        // Keep the first name, user and time; replace features and format (as the SQL stores' ON CONFLICT does).
        var existing = Parse(row.TenantId, row.FileHash, await db.HashGetAsync(Drawings(row.TenantId), row.FileHash).ConfigureAwait(false));
        var stored = existing is null
            ? new StoredRow(row.DrawingId, row.FileName, row.UserName, row.Features, row.Format, time.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0)
            : existing.Value.Stored with { Features = row.Features, Format = row.Format };
        var tx = db.CreateTransaction();
        _ = tx.HashSetAsync(Drawings(row.TenantId), row.FileHash, JsonSerializer.Serialize(stored, RowJson.Default.StoredRow));
        _ = tx.SetAddAsync(Tenants, row.TenantId);
        return await tx.ExecuteAsync().ConfigureAwait(false);
    }, redis, ct);

    public Task<bool> DeleteAsync(string tenantId, string fileHash, CancellationToken ct) =>
        RedisData.RunAsync(db => db.HashDeleteAsync(Drawings(tenantId), fileHash), redis, ct);

    public Task<List<DrawingRow>> ListAsync(string? tenantId, CancellationToken ct) => RedisData.RunAsync(async db =>
    {
        var tenants = tenantId is not null ? [tenantId] : (await db.SetMembersAsync(Tenants).ConfigureAwait(false)).Select(t => (string)t!).ToArray();
        var rows = new List<(DrawingRow Row, double CreatedAt)>();
        foreach (var tenant in tenants)
        {
            foreach (var entry in await db.HashGetAllAsync(Drawings(tenant)).ConfigureAwait(false))
            {
                if (Parse(tenant, entry.Name!, entry.Value) is { } r)
                {
                    rows.Add((r.Row, r.Stored.CreatedAt));
                }
            }
        }
        return rows.OrderBy(r => r.CreatedAt).ThenBy(r => r.Row.FileHash, StringComparer.Ordinal).Select(r => r.Row).ToList();
    }, redis, ct);

    private RedisKey Drawings(string tenantId) => $"{keys.Prefix}:builtin:drawings:{tenantId}";

    private RedisKey Tenants => $"{keys.Prefix}:builtin:tenants";

    private static (DrawingRow Row, StoredRow Stored)? Parse(string tenantId, string fileHash, RedisValue value)
    {
        if (value.IsNullOrEmpty)
        {
            return null;
        }
        try
        {
            // A damaged value reads as absent; rebuild from the original repairs it.
            return JsonSerializer.Deserialize((string)value!, RowJson.Default.StoredRow) is { FileName: not null, UserName: not null, Features: not null, Format: not null } s
                ? (new DrawingRow(tenantId, fileHash, s.DrawingId, s.FileName, s.UserName, s.Features, s.Format), s)
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

internal sealed record StoredRow(
    [property: JsonPropertyName("drawing_id")] long DrawingId,
    [property: JsonPropertyName("file_name")] string FileName,
    [property: JsonPropertyName("user_name")] string UserName,
    [property: JsonPropertyName("features")] byte[] Features,
    [property: JsonPropertyName("format")] string Format,
    [property: JsonPropertyName("created_at")] double CreatedAt);

[JsonSerializable(typeof(StoredRow))]
internal sealed partial class RowJson : JsonSerializerContext;
