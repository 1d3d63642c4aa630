using System.Text.Json;
using System.Text.Json.Serialization;

namespace Boomerang.Server.Api;

/// <summary>
/// The one reader for JSON request bodies (jobs, batch, Dedup2D): a client mistake becomes a 400 that names the
/// field in JSON terms (or 413/415), never a 500. In order: the body must be JSON whose every string and field
/// name is valid Unicode (<see cref="JsonTextRule"/>); its shape must match the contract type exactly —
/// no unknown or repeated fields, names case-sensitive, each value of the JSON type the field needs, required
/// fields present; only then is it bound.
/// </summary>
internal static class JsonBody
{
    /// <summary>Bodies are read with these: Boomerang's wire options, but strict about names.</summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    public static async Task<(T? Value, ApiError? Error)> ReadAsync<T>(HttpRequest request, CancellationToken ct) where T : class
    {
        if (IsNotJson(request))
        {
            return (null, ApiErrors.NotJson);
        }
        byte[] body;
        try
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer, ct).ConfigureAwait(false);
            body = buffer.ToArray();
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, ApiErrors.Of(413, "PAYLOAD_TOO_LARGE", "request body is larger than the server accepts"));
        }
        return Parse<T>(body);
    }

    /// <summary>True when the request names a content type that is not JSON (none at all is read as JSON).</summary>
    public static bool IsNotJson(HttpRequest request) =>
        request.ContentType is { } type && !type.Contains("json", StringComparison.OrdinalIgnoreCase);

    /// <summary>Applies the same rules to a body already in hand.</summary>
    public static (T? Value, ApiError? Error) Parse<T>(ReadOnlySpan<byte> utf8Json) where T : class
    {
        string? violation;
        try
        {
            violation = JsonTextRule.FindViolation(utf8Json);
        }
        catch (JsonTooDeepException e)
        {
            return (null, Invalid($"invalid request body: {e.Message}"));
        }
        catch (JsonException e)
        {
            return (null, Invalid($"invalid JSON in request body (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1})"));
        }
        if (violation is not null)
        {
            return (null, ApiErrors.BadRequest("INVALID_TEXT", violation));
        }

        var reader = new Utf8JsonReader(utf8Json);
        using var doc = JsonDocument.ParseValue(ref reader);
        if (doc.RootElement.ValueKind != JsonValueKind.Object)
        {
            return (null, Invalid("invalid request body: it must be a JSON object"));
        }
        if (JsonShape.Check(doc.RootElement, Options.GetTypeInfo(typeof(T)), "") is { } wrong)
        {
            return (null, Invalid(wrong));
        }
        try
        {
            return doc.RootElement.Deserialize<T>(Options) is { } value
                ? (value, null)
                : (null, Invalid("invalid request body: it must be a JSON object"));
        }
        catch (JsonException)
        {
            // JsonShape mirrors what the binder needs; this is the net under it, and says nothing about .NET types.
            return (null, Invalid("request body does not have the expected fields and types"));
        }
    }

    /// <summary>The text rule for a value that arrived outside JSON (a form field, a query value).</summary>
    public static ApiError? CheckText(string field, string? value) =>
        value is null || JsonTextRule.IsWellFormed(value) ? null
            : ApiErrors.BadRequest("INVALID_TEXT", $"field '{field}' is not valid Unicode: it contains a lone surrogate");

    /// <summary>At most <paramref name="max"/> characters of a client's value, for echoing it in an error.</summary>
    public static string Clip(string? value, int max = 40) =>
        value is null ? "" : value.Length <= max ? value : value[..max] + "…";

    private static ApiError Invalid(string message) => ApiErrors.BadRequest("INVALID_REQUEST", message);

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(BoomerangJson.Options)
        {
            PropertyNameCaseInsensitive = false,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            AllowDuplicateProperties = false,
        };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
