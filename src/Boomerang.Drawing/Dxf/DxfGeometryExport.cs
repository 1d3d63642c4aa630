using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Boomerang.Drawing.Dxf;

/// <summary>The seed's v2 geometry JSON (<c>entities, layers, blocks, dimensions, hatches, text_content, meta</c>)
/// taken from a DXF, so the L4 precision scorer runs on DXF uploads without a CAD plug-in.</summary>
public static class DxfGeometryExport
{
    /// <summary>Builds the v2 JSON of <paramref name="doc"/>.</summary>
    public static JsonObject ToV2Json(DxfDocument doc)
    {
        var blockHashes = doc.Blocks.ToDictionary(b => b.Key, b => BlockHash(b.Value), StringComparer.OrdinalIgnoreCase);
        var entities = new JsonArray();
        var dimensions = new JsonArray();
        var hatches = new JsonArray();
        var text = new JsonArray();
        var layerCounts = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (var e in doc.Entities)
        {
            layerCounts[e.Layer] = layerCounts.GetValueOrDefault(e.Layer) + 1;
            entities.Add(Entity(e, blockHashes));
            switch (e)
            {
                case DxfDimension d:
                    dimensions.Add(new JsonObject
                    {
                        ["type"] = d.DimensionType, ["measurement"] = d.Measurement, ["text"] = d.Text, ["layer"] = d.Layer,
                    });
                    break;
                case DxfHatch h:
                    hatches.Add(new JsonObject
                    {
                        ["pattern"] = h.Pattern, ["solid"] = h.Solid, ["loops"] = h.Loops.Count, ["layer"] = h.Layer,
                    });
                    break;
                case DxfText t when t.Value.Length > 0:
                    text.Add(t.Value);
                    break;
            }
        }
        var layers = new JsonObject();
        foreach (var name in doc.Layers.Keys.Concat(layerCounts.Keys).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal))
            layers[name] = new JsonObject
            {
                ["color"] = doc.Layers.TryGetValue(name, out var l) ? l.Color : 7,
                ["entity_count"] = layerCounts.GetValueOrDefault(name),
            };
        var blocks = new JsonObject();
        foreach (var (name, block) in doc.Blocks.OrderBy(b => b.Key, StringComparer.Ordinal))
        {
            // Anonymous blocks (*Model_Space, *D1 dimension geometry) are not user blocks.
            if (name.StartsWith('*')) continue;
            blocks[name] = new JsonObject { ["entity_count"] = block.Entities.Count, ["block_hash"] = blockHashes[name] };
        }
        return new JsonObject
        {
            ["entities"] = entities,
            ["layers"] = layers,
            ["blocks"] = blocks,
            ["dimensions"] = dimensions,
            ["hatches"] = hatches,
            ["text_content"] = text,
            ["meta"] = Meta(doc),
        };
    }

    private static JsonObject Entity(DxfEntity e, Dictionary<string, string> blockHashes)
    {
        var o = new JsonObject { ["type"] = e.Type, ["layer"] = e.Layer };
        switch (e)
        {
            case DxfLine l: o["start"] = P(l.Start); o["end"] = P(l.End); break;
            case DxfCircle c: o["center"] = P(c.Center); o["radius"] = R(c.Radius); break;
            case DxfArc a:
                o["center"] = P(a.Center); o["radius"] = R(a.Radius);
                o["start_angle"] = R(a.StartAngle); o["end_angle"] = R(a.EndAngle);
                break;
            case DxfEllipse el:
                o["center"] = P(el.Center); o["major_axis"] = P(el.MajorAxis); o["ratio"] = R(el.Ratio);
                o["start_param"] = R(el.StartParam); o["end_param"] = R(el.EndParam);
                break;
            case DxfPolyline p:
                o["points"] = new JsonArray([.. p.Points.Select(x => (JsonNode)P(x))]);
                o["closed"] = p.Closed;
                break;
            case DxfText t:
                o["insert"] = P(t.Position); o["height"] = R(t.Height); o["rotation"] = R(t.Rotation); o["text"] = t.Value;
                break;
            case DxfInsert i:
                o["name"] = i.Block; o["block_hash"] = blockHashes.GetValueOrDefault(i.Block);
                o["insert"] = P(i.Position); o["scale"] = new JsonArray(R(i.ScaleX), R(i.ScaleY)); o["rotation"] = R(i.Rotation);
                break;
            case DxfDimension d:
                o["dim_type"] = d.DimensionType; o["defpoint"] = P(d.DefinitionPoint); o["text_point"] = P(d.TextPoint);
                o["measurement"] = d.Measurement; o["text"] = d.Text;
                break;
            case DxfHatch h:
                o["pattern"] = h.Pattern; o["solid"] = h.Solid;
                o["loops"] = new JsonArray([.. h.Loops.Select(loop => (JsonNode)new JsonArray([.. loop.Select(x => (JsonNode)P(x))]))]);
                break;
        }
        return o;
    }

    private static JsonObject Meta(DxfDocument doc)
    {
        var meta = new JsonObject
        {
            ["source"] = "dxf",
            ["exporter"] = "boomerang-builtin",
            ["entity_count"] = doc.Entities.Count,
            ["block_count"] = doc.Blocks.Count,
        };
        if (doc.Header.TryGetValue("$ACADVER", out var ver)) meta["dxf_version"] = ver;
        if (doc.Header.TryGetValue("$INSUNITS", out var units)) meta["units"] = units;
        return meta;
    }

    // A block's identity by content (types, layers, rounded geometry), so renamed copies of a block match.
    private static string BlockHash(DxfBlock block)
    {
        var sb = new StringBuilder();
        foreach (var e in block.Entities) sb.Append(Entity(e, []).ToJsonString()).Append('\n');
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())))[..16];
    }

    private static JsonArray P(DxfPoint p) => new(R(p.X), R(p.Y));
    private static double R(double v) => Math.Round(v, 6);
}
