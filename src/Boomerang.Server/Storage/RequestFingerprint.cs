using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json;

namespace Boomerang.Server.Storage;

/// <summary>
/// What an idempotency key is bound to: a SHA-256 of the canonical request (kind, input, callback URL as stored,
/// progress callbacks). Canonical means object keys sorted and no insignificant whitespace, so a client that
/// re-sends the same request with its fields in another order is still recognised.
/// </summary>
internal static class RequestFingerprint
{
    public static string Of(NewJob job)
    {
        var buffer = new ArrayBufferWriter<byte>(256 + job.InputJson.Length);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("callback_url", job.CallbackUrl);
            w.WriteBoolean("callback_progress", job.WantsProgressCallbacks);
            w.WritePropertyName("input");
            WriteInput(w, job.InputJson);
            w.WriteString("kind", job.Kind);
            w.WriteEndObject();
        }
        return Convert.ToHexStringLower(SHA256.HashData(buffer.WrittenSpan));
    }

    private static void WriteInput(Utf8JsonWriter w, string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            WriteCanonical(w, document.RootElement);
        }
        catch (JsonException)
        {
            // Not JSON (never from the API): compare it as it is.
            w.WriteStringValue(json);
        }
    }

    private static void WriteCanonical(Utf8JsonWriter w, JsonElement e)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                w.WriteStartObject();
                foreach (var p in e.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    w.WritePropertyName(p.Name);
                    WriteCanonical(w, p.Value);
                }
                w.WriteEndObject();
                break;
            case JsonValueKind.Array:
                w.WriteStartArray();
                foreach (var item in e.EnumerateArray())
                {
                    WriteCanonical(w, item);
                }
                w.WriteEndArray();
                break;
            default:
                // Strings re-escaped one way; numbers, true, false and null as written.
                e.WriteTo(w);
                break;
        }
    }
}
