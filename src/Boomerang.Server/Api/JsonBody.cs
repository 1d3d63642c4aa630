using System.Text.Json;

namespace Boomerang.Server.Api;

/// <summary>
/// Reads a JSON body without model binding, so a client mistake becomes a 400 that names the field
/// (or a 413 for an oversized body) and never a 500.
/// </summary>
internal static class JsonBody
{
    public static async Task<(T? Value, ApiError? Error)> ReadAsync<T>(HttpRequest request, CancellationToken ct) where T : class
    {
        if (request.ContentType is { } type && !type.Contains("json", StringComparison.OrdinalIgnoreCase))
        {
            return (null, ApiErrors.Of(415, "UNSUPPORTED_MEDIA_TYPE", "send the body as application/json"));
        }
        try
        {
            var value = await JsonSerializer.DeserializeAsync<T>(request.Body, BoomerangJson.Options, ct).ConfigureAwait(false);
            return value is null
                ? (null, ApiErrors.BadRequest("INVALID_REQUEST", "request body must be a JSON object"))
                : (value, null);
        }
        catch (JsonException e)
        {
            return (null, ApiErrors.BadRequest("INVALID_REQUEST", Describe(e)));
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, ApiErrors.Of(413, "PAYLOAD_TOO_LARGE", "request body is larger than the server accepts"));
        }
    }

    // System.Text.Json's message names the field for a missing one; the path names it for a wrong one.
    private static string Describe(JsonException e) =>
        string.IsNullOrEmpty(e.Path) || e.Path == "$"
            ? $"invalid request body: {e.Message}"
            : $"invalid value for field '{e.Path.TrimStart('$', '.')}': {e.Message}";
}
