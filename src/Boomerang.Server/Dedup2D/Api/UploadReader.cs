using Microsoft.AspNetCore.Http.HttpResults;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Boomerang.Server.Dedup2D.Engine;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Boomerang.Server.Dedup2D.Api;

/// <summary>
/// Reads a multipart upload with a bounded body: too big → 413, not multipart or a field missing → 422 naming it,
/// empty or undecodable parts → 400 with the seed's messages. Never throws for what a client sent.
/// </summary>
internal sealed class UploadReader(IOptions<Dedup2DOptions> options)
{
    private static readonly UTF8Encoding StrictUtf8 = new(false, throwOnInvalidBytes: true);

    public Task<(IFormCollection? Form, JsonHttpResult<Dedup2DError>? Error)> ReadFormAsync(HttpRequest request, CancellationToken ct) =>
        ReadFormAsync(request, options.Value.MaxUploadBytes, 64, "Boomerang:Dedup2D:MaxUploadBytes", ct);

    /// <summary>The form with a body limit and a part count of its own (the bulk import's). Parts past 64 KiB are buffered
    /// to temporary files by ASP.NET Core, not held in memory.</summary>
    public async Task<(IFormCollection? Form, JsonHttpResult<Dedup2DError>? Error)> ReadFormAsync(HttpRequest request, long limit, int maxParts,
        string limitSetting, CancellationToken ct)
    {
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = limit;
        }
        if (request.ContentLength > limit)
        {
            return (null, TooLarge(limit, limitSetting));
        }
        if (!request.HasFormContentType)
        {
            return (null, Replies.Missing("body", "file"));
        }
        try
        {
            var form = await request.ReadFormAsync(new FormOptions
            {
                MultipartBodyLengthLimit = limit,
                ValueLengthLimit = (int)Math.Min(int.MaxValue, limit),
                KeyLengthLimit = 1024,
                ValueCountLimit = maxParts,
            }, ct).ConfigureAwait(false);
            return (form, null);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, TooLarge(limit, limitSetting));
        }
        catch (InvalidDataException e) when (e.Message.Contains("limit", StringComparison.OrdinalIgnoreCase))
        {
            return (null, TooLarge(limit, limitSetting));
        }
        catch (Exception e) when (e is InvalidDataException or IOException or BadHttpRequestException or DecoderFallbackException)
        {
            return (null, Replies.Error(400, $"Invalid multipart body: {e.Message}"));
        }
    }

    /// <summary>The uploaded drawing: present (else 422), non-empty (else 400 <c>Empty file</c>), a plain file name (else 400).</summary>
    public static async Task<(DrawingFile? File, JsonHttpResult<Dedup2DError>? Error)> FileAsync(IFormCollection form, string field, CancellationToken ct)
    {
        if (form.Files.GetFile(field) is not { } part)
        {
            return (null, Replies.Missing("body", field));
        }
        var name = string.IsNullOrEmpty(part.FileName) ? "unknown" : part.FileName;
        if (!IsPlainName(name))
        {
            return (null, Replies.Error(400, InvalidName));
        }
        if (part.Length == 0)
        {
            return (null, Replies.Error(400, "Empty file"));
        }
        var bytes = new byte[part.Length];
        await using (var stream = part.OpenReadStream())
        {
            await stream.ReadExactlyAsync(bytes, ct).ConfigureAwait(false);
        }
        var type = string.IsNullOrWhiteSpace(part.ContentType) ? "application/octet-stream" : part.ContentType;
        return (new DrawingFile(name, type, bytes), null);
    }

    public const string InvalidName = "Invalid file name: send a plain file name (no folders, no '..', no control characters, at most 255 characters)";

    public static bool IsPlainName(string name) => !(name.Contains('/') || name.Contains('\\') || name.Contains("..", StringComparison.Ordinal)
        || name.Any(char.IsControl) || name.Length > 255);

    /// <summary>A v2 geometry JSON part (a file or a plain field): absent → null; empty → 400; not UTF-8 JSON object → 400.</summary>
    public static async Task<(JsonObject? Geom, bool Present, JsonHttpResult<Dedup2DError>? Error)> GeomAsync(
        IFormCollection form, string field, CancellationToken ct)
    {
        byte[] bytes;
        if (form.Files.GetFile(field) is { } part)
        {
            bytes = new byte[part.Length];
            await using var stream = part.OpenReadStream();
            await stream.ReadExactlyAsync(bytes, ct).ConfigureAwait(false);
        }
        else if (form.TryGetValue(field, out var text))
        {
            bytes = Encoding.UTF8.GetBytes(text.ToString());
        }
        else
        {
            return (null, false, null);
        }
        if (bytes.Length == 0)
        {
            return (null, true, Replies.Error(400, "Empty geom_json"));
        }
        try
        {
            var node = JsonNode.Parse(StrictUtf8.GetString(bytes));
            return node is JsonObject o ? (o, true, null)
                : (null, true, Replies.Error(400, "Invalid geom_json: expected a JSON object"));
        }
        catch (Exception e) when (e is JsonException or DecoderFallbackException or ArgumentException)
        {
            return (null, true, Replies.Error(400, $"Invalid geom_json: {e.Message}"));
        }
    }

    /// <summary>A drawing upload as <c>index/add</c> and <c>search</c> take it: the form, its <c>file</c> part and an
    /// optional <c>geom_json</c>, checked in that order; the first error stops it.</summary>
    public async Task<(DrawingFile? File, JsonObject? Geom, JsonHttpResult<Dedup2DError>? Error)> ReadDrawingAsync(
        HttpRequest request, CancellationToken ct)
    {
        var (form, formError) = await ReadFormAsync(request, ct).ConfigureAwait(false);
        if (formError is not null)
        {
            return (null, null, formError);
        }
        var (file, fileError) = await FileAsync(form!, "file", ct).ConfigureAwait(false);
        if (fileError is not null)
        {
            return (null, null, fileError);
        }
        var (geom, _, geomError) = await GeomAsync(form!, "geom_json", ct).ConfigureAwait(false);
        return geomError is not null ? (null, null, geomError) : (file, geom, null);
    }

    private static JsonHttpResult<Dedup2DError> TooLarge(long limit, string setting) =>
        Replies.Error(413, $"Request body too large: the limit is {limit} bytes ({setting})");
}
