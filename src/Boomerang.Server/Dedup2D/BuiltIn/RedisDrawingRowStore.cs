using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Boomerang.Server.Dedup2D.Storage;
using Boomerang.Server.Storage.Redis;
using StackExchange.Redis;

namespace Boomerang.Server.Dedup2D.BuiltIn;

/// <summary>The built-in engine's rows in Redis under the store's key prefix: one hash per tenant,
/// <c>{p}:builtin:drawings:{tenant_id}</c>, field = file hash, value = the row as JSON (features base64); the sorted set
/// <c>{p}:builtin:order:{tenant_id}</c> (score = indexed-at) for the listing; the set <c>{p}:builtin:tenants</c> names the
/// tenants that have rows, for the start-up load; the stream <c>{p}:builtin:changes</c> is the change sequence the nodes
/// follow (appended in the same MULTI as the row write, so stream order is commit order).</summary>
internal sealed class RedisDrawingRowStore(IConnectionMultiplexer redis, RedisKeys keys, TimeProvider time) : IDrawingRowStore
{
    public Task UpsertAsync(DrawingRow row, CancellationToken ct) => RedisData.RunAsync(async db =>
    {
        // Keep the first name, user and time; replace features and format (as the SQL stores' ON CONFLICT does).
        var existing = Parse(row.TenantId, row.FileHash, await db.HashGetAsync(Drawings(row.TenantId), row.FileHash).ConfigureAwait(false));
        var stored = existing is null
            ? new StoredRow(row.DrawingId, row.FileName, row.UserName, row.Features, row.Format, Now())
            : existing.Value.Stored with { Features = row.Features, Format = row.Format };
        var tx = db.CreateTransaction();
        _ = tx.HashSetAsync(Drawings(row.TenantId), row.FileHash, JsonSerializer.Serialize(stored, RowJson.Default.StoredRow));
        _ = tx.SortedSetAddAsync(Listing(row.TenantId), row.FileHash, stored.CreatedAt, SortedSetWhen.NotExists);
        _ = tx.SetAddAsync(Tenants, row.TenantId);
        AppendChange(tx, row.TenantId, row.FileHash, deleted: false);
        return await tx.ExecuteAsync().ConfigureAwait(false);
    }, redis, ct);

    public Task<bool> UpdateFeaturesAsync(string tenantId, string fileHash, byte[] features, string format, CancellationToken ct) =>
        RedisData.RunAsync(async db =>
    {
        if (Parse(tenantId, fileHash, await db.HashGetAsync(Drawings(tenantId), fileHash).ConfigureAwait(false)) is not { } existing)
        {
            return false;
        }
        var tx = db.CreateTransaction();
        // Only while the row is still there: a delete that lands first wins.
        tx.AddCondition(Condition.HashExists(Drawings(tenantId), fileHash));
        _ = tx.HashSetAsync(Drawings(tenantId), fileHash,
            JsonSerializer.Serialize(existing.Stored with { Features = features, Format = format }, RowJson.Default.StoredRow));
        AppendChange(tx, tenantId, fileHash, deleted: false);
        return await tx.ExecuteAsync().ConfigureAwait(false);
    }, redis, ct);

    public Task<bool> DeleteAsync(string tenantId, string fileHash, CancellationToken ct) => RedisData.RunAsync(async db =>
    {
        var tx = db.CreateTransaction();
        tx.AddCondition(Condition.HashExists(Drawings(tenantId), fileHash));
        _ = tx.HashDeleteAsync(Drawings(tenantId), fileHash);
        _ = tx.SortedSetRemoveAsync(Listing(tenantId), fileHash);
        AppendChange(tx, tenantId, fileHash, deleted: true);
        return await tx.ExecuteAsync().ConfigureAwait(false);
    }, redis, ct);

    public Task<DrawingRow?> GetAsync(string tenantId, string fileHash, CancellationToken ct) => RedisData.RunAsync(async db =>
        Parse(tenantId, fileHash, await db.HashGetAsync(Drawings(tenantId), fileHash).ConfigureAwait(false))?.Row, redis, ct);

    public Task<bool> HashInUseAsync(string fileHash, CancellationToken ct) => RedisData.RunAsync(async db =>
    {
        foreach (var tenant in await db.SetMembersAsync(Tenants).ConfigureAwait(false))
        {
            if (await db.HashExistsAsync(Drawings((string)tenant!), fileHash).ConfigureAwait(false))
            {
                return true;
            }
        }
        return false;
    }, redis, ct);

    public Task<List<DrawingRow>> ListAsync(string? tenantId, CancellationToken ct) => RedisData.RunAsync(async db =>
    {
        var tenants = tenantId is not null ? [tenantId] : (await db.SetMembersAsync(Tenants).ConfigureAwait(false)).Select(t => (string)t!).ToArray();
        var rows = new List<(DrawingRow Row, double CreatedAt)>();
        foreach (var tenant in tenants)
        {
            var mine = new List<SortedSetEntry>();
            foreach (var entry in await db.HashGetAllAsync(Drawings(tenant)).ConfigureAwait(false))
            {
                if (Parse(tenant, entry.Name!, entry.Value) is { } r)
                {
                    rows.Add((r.Row, r.Stored.CreatedAt));
                    mine.Add(new SortedSetEntry(r.Row.FileHash, r.Stored.CreatedAt));
                }
            }
            // At the start-up load, rows written before the listing order existed get their place (NX keeps existing ones).
            if (tenantId is null && mine.Count > 0)
            {
                await db.SortedSetAddAsync(Listing(tenant), [.. mine], SortedSetWhen.NotExists).ConfigureAwait(false);
            }
        }
        return rows.OrderBy(r => r.CreatedAt).ThenBy(r => r.Row.FileHash, StringComparer.Ordinal).Select(r => r.Row).ToList();
    }, redis, ct);

    public Task<List<DrawingSummary>> PageAsync(string tenantId, DrawingPosition? after, int limit, CancellationToken ct) => RedisData.RunAsync(async db =>
    {
        // Members with equal scores come in hash order, the SQL stores' ORDER BY created_at, file_hash.
        var picked = new List<SortedSetEntry>(limit);
        var skip = 0L;
        var batch = Math.Max(limit, 100);
        while (picked.Count < limit)
        {
            var entries = await db.SortedSetRangeByScoreWithScoresAsync(Listing(tenantId), after?.IndexedAt ?? double.NegativeInfinity,
                double.PositiveInfinity, Exclude.None, Order.Ascending, skip, batch).ConfigureAwait(false);
            foreach (var e in entries)
            {
                if (after is null || e.Score > after.IndexedAt || string.CompareOrdinal(e.Element!, after.FileHash) > 0)
                {
                    picked.Add(e);
                    if (picked.Count == limit) break;
                }
            }
            if (entries.Length < batch) break;
            skip += batch;
        }
        if (picked.Count == 0)
        {
            return [];
        }
        var hashes = picked.Select(e => e.Element).ToArray();
        var values = await db.HashGetAsync(Drawings(tenantId), hashes).ConfigureAwait(false);
        var batchOps = db.CreateBatch();
        var exists = hashes.Select(h => batchOps.KeyExistsAsync($"{keys.Prefix}:geom:{h}")).ToArray();
        batchOps.Execute();
        await Task.WhenAll(exists).ConfigureAwait(false);
        var page = new List<DrawingSummary>(picked.Count);
        for (var i = 0; i < picked.Count; i++)
        {
            if (Parse(tenantId, hashes[i]!, values[i]) is { } r)
            {
                page.Add(new DrawingSummary(r.Row.DrawingId, r.Row.FileHash, r.Row.FileName, r.Stored.CreatedAt, exists[i].Result));
            }
        }
        return page;
    }, redis, ct);

    public Task<string> ChangePositionAsync(CancellationToken ct) => RedisData.RunAsync(async db =>
    {
        var last = await db.StreamRangeAsync(Changes, "-", "+", 1, Order.Descending).ConfigureAwait(false);
        return last.Length == 0 ? "0-0" : (string)last[0].Id!;
    }, redis, ct);

    public Task<List<IndexChange>> ChangesAfterAsync(string position, int limit, CancellationToken ct) => RedisData.RunAsync(async db =>
    {
        var result = await db.ExecuteAsync("XRANGE", Changes, "(" + position, "+", "COUNT", limit).ConfigureAwait(false);
        var changes = new List<IndexChange>();
        foreach (var entry in (RedisResult[])result!)
        {
            var parts = (RedisResult[])entry!;
            var fields = (RedisResult[])parts[1]!;
            string? tenant = null, hash = null, op = null;
            for (var i = 0; i + 1 < fields.Length; i += 2)
            {
                switch ((string?)fields[i])
                {
                    case "t": tenant = (string?)fields[i + 1]; break;
                    case "h": hash = (string?)fields[i + 1]; break;
                    case "o": op = (string?)fields[i + 1]; break;
                }
            }
            if (tenant is not null && hash is not null && op is not null)
            {
                changes.Add(new IndexChange((string)parts[0]!, tenant, hash, op == "delete"));
            }
        }
        return changes;
    }, redis, ct);

    public Task PruneChangesAsync(double olderThan, CancellationToken ct) => RedisData.RunAsync(db =>
        db.ExecuteAsync("XTRIM", Changes, "MINID", "~", ((long)(olderThan * 1000)).ToString(CultureInfo.InvariantCulture)), redis, ct);

    private void AppendChange(ITransaction tx, string tenantId, string fileHash, bool deleted) =>
        _ = tx.StreamAddAsync(Changes, [new NameValueEntry("t", tenantId), new NameValueEntry("h", fileHash), new NameValueEntry("o", deleted ? "delete" : "add")]);

    private double Now() => time.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0;

    private RedisKey Drawings(string tenantId) => $"{keys.Prefix}:builtin:drawings:{tenantId}";

    private RedisKey Listing(string tenantId) => $"{keys.Prefix}:builtin:order:{tenantId}";

    private RedisKey Tenants => $"{keys.Prefix}:builtin:tenants";

    private RedisKey Changes => $"{keys.Prefix}:builtin:changes";

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
