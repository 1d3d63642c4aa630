using System.Buffers;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Boomerang.Server.Dedup2D.Precision;

/// <summary>Canonical JSON (keys sorted by code point, compact, non-ASCII as UTF-8) and the SHA-256 geometry hash over it (reference §3.5).</summary>
internal static class CanonicalJson
{
    private static readonly JsonWriterOptions Writer = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static byte[] Bytes(JsonNode? node)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var w = new Utf8JsonWriter(buffer, Writer))
        {
            Write(w, node);
        }
        return buffer.WrittenSpan.ToArray();
    }

    public static string Text(JsonNode? node) => System.Text.Encoding.UTF8.GetString(Bytes(node));

    public static string Hash(JsonNode? node) => Convert.ToHexStringLower(SHA256.HashData(Bytes(node)));

    private static void Write(Utf8JsonWriter w, JsonNode? node)
    {
        switch (node)
        {
            case null:
                w.WriteNullValue();
                break;
            case JsonObject o:
                w.WriteStartObject();
                foreach (var (key, value) in o.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    w.WritePropertyName(key);
                    Write(w, value);
                }
                w.WriteEndObject();
                break;
            case JsonArray a:
                w.WriteStartArray();
                foreach (var item in a)
                {
                    Write(w, item);
                }
                w.WriteEndArray();
                break;
            default:
                node.WriteTo(w);
                break;
        }
    }
}
