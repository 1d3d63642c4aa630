using System.Text.Json.Nodes;
using Boomerang.Drawing.Decoding;
using Boomerang.Drawing.Features;
using Boomerang.Drawing.Indexing;

namespace Boomerang.Server.Dedup2D.BuiltIn;

/// <summary>What a rebuild did: every drawing of the tenant counted once, as rebuilt, missing its stored original, failed
/// to decode, or deleted while the rebuild ran.</summary>
internal sealed record RebuildReport(int Total, int Rebuilt, IReadOnlyList<string> Missing, IReadOnlyList<JsonObject> Failed, int DeletedMeanwhile)
{
    public bool Success => Missing.Count == 0 && Failed.Count == 0;

    public JsonObject ToJson() => new()
    {
        ["success"] = Success,
        ["message"] = $"rebuilt {Rebuilt} of {Total} drawings"
                      + (Missing.Count > 0 ? $"; {Missing.Count} have no stored original" : "")
                      + (Failed.Count > 0 ? $"; {Failed.Count} could not be read from their stored originals" : "")
                      + (DeletedMeanwhile > 0 ? $"; {DeletedMeanwhile} were deleted meanwhile" : ""),
        ["total"] = Total,
        ["rebuilt"] = Rebuilt,
        ["missing"] = new JsonArray([.. Missing.Select(h => JsonValue.Create(h))]),
        ["failed"] = new JsonArray([.. Failed]),
        ["deleted_meanwhile"] = DeletedMeanwhile,
    };
}

/// <summary>The index operations beyond add and search: delete, listing, rebuild with progress, and following the change
/// sequence other nodes append to.</summary>
internal sealed partial class BuiltInEngine
{
    private const int PageSize = 500;

    /// <summary>Removes the drawing's row (features), its stored original and its entry in the in-memory index; false when
    /// this tenant has no drawing with that hash.</summary>
    public async Task<bool> DeleteAsync(string tenantId, string fileHash, CancellationToken ct)
    {
        await EnsureLoadedAsync(ct).ConfigureAwait(false);
        await _write.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            // Once started, the delete finishes: a cancelled request must not leave the row gone and the file kept.
            var deleted = await rows.DeleteAsync(tenantId, fileHash, CancellationToken.None).ConfigureAwait(false);
            // Also when the row was already gone (another node deleted it and this one has not followed yet).
            _engine.Tenant(tenantId).Remove(fileHash);
            if (deleted)
            {
                TryDeleteFile(OriginalPath(tenantId, fileHash));
            }
            return deleted;
        }
        finally
        {
            _write.Release();
        }
    }

    /// <summary>One page of a tenant's drawings, oldest first, with the size of each stored original (null when missing).</summary>
    public async Task<List<(DrawingSummary Drawing, long? Size)>> PageAsync(string tenantId, DrawingPosition? after, int limit, CancellationToken ct)
    {
        var page = await rows.PageAsync(tenantId, after, limit, ct).ConfigureAwait(false);
        return page.Select(d =>
        {
            var file = new FileInfo(OriginalPath(tenantId, d.FileHash));
            return (d, file.Exists ? file.Length : (long?)null);
        }).ToList();
    }

    /// <summary>Recomputes every drawing's features of a tenant from its stored original, page by page, reporting
    /// (done, total) after each drawing. Searches go on meanwhile: each drawing's entry is replaced on its own.</summary>
    public async Task<RebuildReport> RebuildTenantAsync(string tenantId, Func<int, int, Task> progress, CancellationToken ct)
    {
        await EnsureLoadedAsync(ct).ConfigureAwait(false);
        var total = _engine.Tenant(tenantId).Count;
        int done = 0, rebuilt = 0, deletedMeanwhile = 0;
        var missing = new List<string>();
        var failed = new List<JsonObject>();
        DrawingPosition? after = null;
        while (true)
        {
            var page = await rows.PageAsync(tenantId, after, PageSize, ct).ConfigureAwait(false);
            foreach (var d in page)
            {
                switch (await RebuildOneAsync(tenantId, d, ct).ConfigureAwait(false))
                {
                    case (true, _):
                        rebuilt++;
                        break;
                    case (false, null):
                        deletedMeanwhile++;
                        break;
                    case (false, FileNotFoundException or DirectoryNotFoundException):
                        missing.Add(d.FileHash);
                        LogRebuildSkipped(log, d.FileHash, "no stored original");
                        break;
                    case (false, var e):
                        failed.Add(new JsonObject { ["file_hash"] = d.FileHash, ["file_name"] = d.FileName, ["error"] = e!.Message });
                        LogRebuildSkipped(log, d.FileHash, e.GetType().Name);
                        break;
                }
                done++;
                total = Math.Max(total, done);
                await progress(done, total).ConfigureAwait(false);
            }
            if (page.Count < PageSize) break;
            after = new DrawingPosition(page[^1].IndexedAt, page[^1].FileHash);
        }
        return new RebuildReport(done, rebuilt, missing, failed, deletedMeanwhile);
    }

    /// <summary>(true, null) rebuilt; (false, null) deleted meanwhile; (false, error) not rebuilt.</summary>
    private async Task<(bool Rebuilt, Exception? Error)> RebuildOneAsync(string tenantId, DrawingSummary d, CancellationToken ct)
    {
        DrawingFeatures features;
        string format;
        try
        {
            var bytes = await File.ReadAllBytesAsync(OriginalPath(tenantId, d.FileHash), ct).ConfigureAwait(false);
            var decoded = await _decoder.DecodeAsync(bytes, d.FileName, ct).ConfigureAwait(false);
            features = FeatureExtractor.Extract(decoded.Image);
            format = decoded.Format.ToString();
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            // Deleted while this page was being worked through, or really missing.
            return (false, await rows.GetAsync(tenantId, d.FileHash, ct).ConfigureAwait(false) is null ? null : e);
        }
        catch (Exception e) when (e is IOException or DrawingFileException or UnauthorizedAccessException)
        {
            return (false, e);
        }
        await _write.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            // Only while the row is still stored: a delete that landed first stays deleted.
            if (!await rows.UpdateFeaturesAsync(tenantId, d.FileHash, features.ToBytes(), format, CancellationToken.None).ConfigureAwait(false))
            {
                return (false, null);
            }
            _engine.Tenant(tenantId).Upsert(new IndexedDrawing(d.DrawingId, d.FileHash, d.FileName, features));
            return (true, null);
        }
        finally
        {
            _write.Release();
        }
    }

    /// <summary>Applies the changes appended since the last call (by any node) to this node's in-memory index; returns how
    /// many. Each change is applied as the store holds its drawing now (gone: removed; there: upserted from its row), so
    /// the index ends as the store is whatever order the changes are seen in.</summary>
    public async Task<int> FollowChangesAsync(CancellationToken ct)
    {
        await EnsureLoadedAsync(ct).ConfigureAwait(false);
        var applied = 0;
        while (true)
        {
            var changes = await rows.ChangesAfterAsync(_position, PageSize, ct).ConfigureAwait(false);
            foreach (var change in changes)
            {
                await _write.WaitAsync(ct).ConfigureAwait(false);
                try
                {
                    // The drawing as the store holds it now, not as the change says: a change read before a newer
                    // one on this node (a delete, then the same file added again) must not undo it. Under _write, which
                    // this node's own adds and deletes hold across their store write and index change.
                    var index = _engine.Tenant(change.TenantId);
                    var row = await rows.GetAsync(change.TenantId, change.FileHash, ct).ConfigureAwait(false);
                    if (row is null)
                    {
                        index.Remove(change.FileHash);
                    }
                    else if (DrawingFeatures.FromBytes(row.Features) is { } f)
                    {
                        index.Upsert(new IndexedDrawing(row.DrawingId, row.FileHash, row.FileName, f));
                    }
                    _position = change.Position;
                }
                finally
                {
                    _write.Release();
                }
                applied++;
            }
            if (changes.Count < PageSize) return applied;
        }
    }

    /// <summary>Drops changes older than <paramref name="age"/>: every node has applied them or will load fully at start.</summary>
    public Task PruneChangesAsync(TimeSpan age, CancellationToken ct) =>
        rows.PruneChangesAsync((time.GetUtcNow() - age).ToUnixTimeMilliseconds() / 1000.0, ct);

    private static void TryDeleteFile(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The row is gone, so nothing refers to the file any more; a leftover original only costs disk space.
        }
    }
}
