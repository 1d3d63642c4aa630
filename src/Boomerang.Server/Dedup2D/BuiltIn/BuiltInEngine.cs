using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Boomerang.Drawing.Decoding;
using Boomerang.Drawing.Dxf;
using Boomerang.Drawing.Features;
using Boomerang.Drawing.Indexing;
using Boomerang.Drawing.Search;
using Boomerang.Server.Dedup2D.Engine;
using Microsoft.Extensions.Options;

namespace Boomerang.Server.Dedup2D.BuiltIn;

/// <summary>Boomerang's own drawing search engine behind the engine port: decoding, features and the per-tenant index
/// from Boomerang.Drawing; features in the database (the index is rebuilt from them at start), originals on disk.</summary>
internal sealed partial class BuiltInEngine(
    IDrawingRowStore rows, IOptions<BuiltInEngineOptions> options, IOptions<Dedup2DOptions> dedup, TimeProvider time,
    ILogger<BuiltInEngine> log) : IDrawingEngine
{
    private readonly DrawingSearchEngine _engine = new();
    private readonly DrawingDecoder _decoder = new(options.Value.Limits(dedup.Value.MaxUploadBytes));
    private readonly SemaphoreSlim _loadLock = new(1, 1);
    // Serialises every change to what the index holds on this node (row write + memory + original file), so a delete, an
    // add, a rebuild step and an applied change from another node never interleave halfway.
    private readonly SemaphoreSlim _write = new(1, 1);
    private volatile bool _loaded;
    // The last change of the shared sequence this node's index reflects (read before the full load).
    private string _position = "0";

    public string Name => "builtin";

    /// <summary>Loads every stored drawing's features into the in-memory index (once).</summary>
    public async Task EnsureLoadedAsync(CancellationToken ct)
    {
        if (_loaded) return;
        await _loadLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_loaded) return;
            // Position first: a change committed while the rows are read is applied again later, which is harmless.
            _position = await rows.ChangePositionAsync(ct).ConfigureAwait(false);
            var count = 0;
            foreach (var row in await rows.ListAsync(null, ct).ConfigureAwait(false))
                if (DrawingFeatures.FromBytes(row.Features) is { } f)
                {
                    _engine.Tenant(row.TenantId).Upsert(new IndexedDrawing(row.DrawingId, row.FileHash, row.FileName, f));
                    count++;
                }
            LogLoaded(log, count);
            _loaded = true;
        }
        finally { _loadLock.Release(); }
    }

    public async Task<JsonObject> HealthAsync(CancellationToken ct)
    {
        await EnsureLoadedAsync(ct).ConfigureAwait(false);
        var sizes = _engine.Sizes();
        var total = sizes.Values.Sum();
        return new JsonObject
        {
            ["status"] = "healthy",
            ["service"] = "boomerang-builtin",
            ["version"] = typeof(BuiltInEngine).Assembly.GetName().Version?.ToString(3),
            ["indexes"] = new JsonObject { ["l1"] = total, ["l2"] = total, ["tenants"] = sizes.Count },
        };
    }

    public async Task<JsonObject> SearchAsync(EngineSearch request, CancellationToken ct)
    {
        await EnsureLoadedAsync(ct).ConfigureAwait(false);
        var watch = Stopwatch.StartNew();
        var decoded = await DecodeAsync(request.File, ct).ConfigureAwait(false);
        var features = FeatureExtractor.Extract(decoded.Image);
        var search = new SearchRequest(features, decoded.Image, Sha256(request.File.Bytes.Span), request.Mode, request.MaxResults,
            request.ComputeDiff, request.ExcludeSelf, DecodeMilliseconds: watch.Elapsed.TotalMilliseconds);
        var result = await Task.Run(() => _engine.Search(request.TenantId, search, d => LoadOriginal(request.TenantId, d)), ct).ConfigureAwait(false);
        // Through text, as the vision adapter's answer arrives: the pipeline reads numbers as double, which an
        // in-memory int value refuses.
        return JsonNode.Parse(result.ToJsonString())!.AsObject();
    }

    public async Task<JsonObject> IndexAddAsync(EngineIndexAdd request, CancellationToken ct)
    {
        await EnsureLoadedAsync(ct).ConfigureAwait(false);
        var watch = Stopwatch.StartNew();
        var hash = Sha256(request.File.Bytes.Span);
        var drawingId = DrawingId(hash);
        var index = _engine.Tenant(request.TenantId);
        if (index.Find(hash) is not null)
            return AddResponse(drawingId, hash, "already indexed", watch);
        var decoded = await DecodeAsync(request.File, ct).ConfigureAwait(false);
        var features = FeatureExtractor.Extract(decoded.Image);
        var path = OriginalPath(request.TenantId, hash);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = $"{path}.{Guid.NewGuid():N}.tmp";
        await File.WriteAllBytesAsync(temp, request.File.Bytes.ToArray(), ct).ConfigureAwait(false);
        var name = string.IsNullOrEmpty(request.File.FileName) ? "unknown" : request.File.FileName;
        await _write.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            File.Move(temp, path, overwrite: true);
            // The row must land once the original is in place, so a cancelled request cannot leave a file without a row.
            await rows.UpsertAsync(new DrawingRow(request.TenantId, hash, drawingId, name, request.UserName, features.ToBytes(), decoded.Format.ToString()),
                CancellationToken.None).ConfigureAwait(false);
            index.Upsert(new IndexedDrawing(drawingId, hash, name, features));
        }
        finally
        {
            _write.Release();
            File.Delete(temp);
        }
        return AddResponse(drawingId, hash, "indexed", watch);
    }

    public async Task<JsonObject> RebuildAsync(string tenantId, CancellationToken ct) =>
        (await RebuildTenantAsync(tenantId, (_, _) => Task.CompletedTask, ct).ConfigureAwait(false)).ToJson();

    public JsonObject? TryExtractGeometry(DrawingFile file)
    {
        var span = file.Bytes.Span;
        if (span.StartsWith("AutoCAD Binary DXF"u8)) return null;
        var head = Encoding.ASCII.GetString(span[..Math.Min(span.Length, 2048)]);
        var looksDxf = file.FileName.EndsWith(".dxf", StringComparison.OrdinalIgnoreCase) || head.TrimStart().StartsWith('0') && head.Contains("SECTION", StringComparison.Ordinal);
        if (!looksDxf) return null;
        try
        {
            // Through text, so every number is a parsed JSON number as in an uploaded geom_json (the scorer reads
            // numbers as double, which an in-memory int value refuses).
            return JsonNode.Parse(DxfGeometryExport.ToV2Json(_decoder.ReadDxf(span)).ToJsonString())!.AsObject();
        }
        catch (DrawingFileException)
        {
            return null; // the search itself reports the bad file with its 4xx
        }
    }

    private async Task<DecodedDrawing> DecodeAsync(DrawingFile file, CancellationToken ct)
    {
        try
        {
            return await _decoder.DecodeAsync(file.Bytes, file.FileName, ct).ConfigureAwait(false);
        }
        catch (DrawingFileException e)
        {
            throw new DrawingEngineException(e.StatusCode, new JsonObject { ["error"] = e.Code, ["message"] = e.Message });
        }
    }

    private GrayImage? LoadOriginal(string tenantId, IndexedDrawing d)
    {
        try
        {
            var bytes = File.ReadAllBytes(OriginalPath(tenantId, d.FileHash));
            return _decoder.DecodeAsync(bytes, d.FileName, CancellationToken.None).GetAwaiter().GetResult().Image;
        }
        catch (Exception e) when (e is IOException or DrawingFileException or UnauthorizedAccessException)
        {
            return null; // no diff for this match
        }
    }

    private string OriginalPath(string tenantId, string fileHash) =>
        Path.Combine(Path.GetFullPath(options.Value.DataDir), Sha256(Encoding.UTF8.GetBytes(tenantId))[..16], fileHash);

    private static JsonObject AddResponse(long drawingId, string hash, string message, Stopwatch watch) => new()
    {
        ["success"] = true,
        ["drawing_id"] = drawingId,
        ["file_hash"] = hash,
        ["message"] = message,
        ["processing_time_ms"] = Math.Round(watch.Elapsed.TotalMilliseconds, 3),
    };

    // A stable id from the content hash (53 bits: exact in JSON numbers), so re-adding the same bytes gives the same id.
    private static long DrawingId(string hash) => Convert.ToInt64(hash[..13], 16) + 1;

    private static string Sha256(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    [LoggerMessage(EventId = 9101, Level = LogLevel.Information, Message = "Built-in drawing engine: {Count} drawings loaded into the index")]
    private static partial void LogLoaded(ILogger logger, int count);

    [LoggerMessage(EventId = 9102, Level = LogLevel.Warning, Message = "Built-in drawing engine: rebuild skipped {FileHash} ({Reason})")]
    private static partial void LogRebuildSkipped(ILogger logger, string fileHash, string reason);
}
