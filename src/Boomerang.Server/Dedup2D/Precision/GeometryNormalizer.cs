using System.Text.Json;
using System.Text.Json.Nodes;

namespace Boomerang.Server.Dedup2D.Precision;

/// <summary>
/// Puts a v2 geometry JSON into one shape before scoring and hashing: every section present with its type
/// (entities/dimensions/hatches/text_content arrays, layers/blocks/meta objects), entity types upper-case,
/// strings trimmed, numbers rounded to 6 decimals, so cosmetic differences neither change the hash nor the score.
/// </summary>
internal static class GeometryNormalizer
{
    private static readonly string[] ArraySections = ["entities", "dimensions", "hatches", "text_content"];
    private static readonly string[] ObjectSections = ["layers", "blocks", "meta"];

    public static JsonObject Normalize(JsonObject v2)
    {
        var result = new JsonObject();
        foreach (var (key, value) in v2)
        {
            result[key] = Clean(value);
        }
        foreach (var name in ArraySections)
        {
            if (result[name] is not JsonArray)
            {
                result[name] = result[name] is JsonObject o ? new JsonArray(o.Select(p => Clean(p.Value)).ToArray()) : new JsonArray();
            }
        }
        foreach (var name in ObjectSections)
        {
            if (result[name] is not JsonObject)
            {
                result[name] = result[name] is JsonArray a ? ListToObject(a) : new JsonObject();
            }
        }
        foreach (var entity in ((JsonArray)result["entities"]!).OfType<JsonObject>())
        {
            if (entity["type"] is JsonValue t && t.GetValueKind() == JsonValueKind.String)
            {
                entity["type"] = t.GetValue<string>().Trim().ToUpperInvariant();
            }
        }
        return result;
    }

    // A list of layers ["0", {"name": "A", ...}] becomes {"0": {}, "A": {...}}.
    private static JsonObject ListToObject(JsonArray items)
    {
        var o = new JsonObject();
        var i = 0;
        foreach (var item in items)
        {
            var name = item switch
            {
                JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
                JsonObject obj when obj["name"] is JsonValue n && n.GetValueKind() == JsonValueKind.String => n.GetValue<string>(),
                _ => $"#{i}",
            };
            o[name] = item is JsonObject ? Clean(item) : new JsonObject();
            i++;
        }
        return o;
    }

    private static JsonNode? Clean(JsonNode? node) => node switch
    {
        null => null,
        JsonObject o => new JsonObject(o.Select(p => KeyValuePair.Create(p.Key, Clean(p.Value)))),
        JsonArray a => new JsonArray(a.Select(Clean).ToArray()),
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => JsonValue.Create(v.GetValue<string>().Trim()),
            JsonValueKind.Number => JsonValue.Create(Math.Round(JsonDiff.AsDouble(v), 6)),
            _ => v.DeepClone(),
        },
        _ => node.DeepClone(),
    };
}
