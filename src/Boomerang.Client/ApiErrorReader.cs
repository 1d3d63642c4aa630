using System.Text.Json;

namespace Boomerang.Client;

/// <summary>Turns an error answer into a <see cref="BoomerangApiException"/>, whatever shape its body has.</summary>
internal static class ApiErrorReader
{
    private const int MaxMessageChars = 500;

    public static async Task<BoomerangApiException> ReadAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        var retryAfter = response.Headers.RetryAfter?.Delta;
        var (code, message, detail) = Parse(text);
        message ??= string.IsNullOrWhiteSpace(text)
            ? $"{(int)response.StatusCode} {response.ReasonPhrase}"
            : Truncate(text);
        return new BoomerangApiException(response.StatusCode, code, message, detail, retryAfter);
    }

    internal static (string? Code, string? Message, JsonElement? Detail) Parse(string text)
    {
        try
        {
            using var doc = JsonDocument.Parse(text);
            if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("detail", out var detail))
            {
                return (null, null, null);
            }
            var copy = detail.Clone();
            return detail.ValueKind switch
            {
                JsonValueKind.String => (null, detail.GetString(), copy),
                JsonValueKind.Object => (StringOf(detail, "error"), StringOf(detail, "message") ?? StringOf(detail, "error"), copy),
                _ => (null, Truncate(detail.GetRawText()), copy),
            };
        }
        catch (JsonException)
        {
            return (null, null, null);
        }
    }

    private static string? StringOf(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string Truncate(string text) => text.Length <= MaxMessageChars ? text : text[..MaxMessageChars] + "…";
}
