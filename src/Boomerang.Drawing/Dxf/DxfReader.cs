using System.Text;
using Boomerang.Drawing.Decoding;

namespace Boomerang.Drawing.Dxf;

/// <summary>Reads an ASCII DXF: the header variables, the LAYER table, BLOCKS and ENTITIES. Unknown sections and
/// entity types are skipped; the record count is capped so a hostile file is refused quickly.</summary>
public static class DxfReader
{
    /// <summary>Parses <paramref name="bytes"/>; throws <see cref="DrawingFileException"/> (422/413) on a bad file.</summary>
    public static DxfDocument Read(ReadOnlySpan<byte> bytes, DrawingLimits limits)
    {
        if (bytes.Length > limits.MaxFileBytes)
            throw DrawingFileException.TooLarge($"The DXF is {bytes.Length:N0} bytes; the limit is {limits.MaxFileBytes:N0}.");
        if (bytes.StartsWith("AutoCAD Binary DXF"u8))
            throw DrawingFileException.Unsupported("Binary DXF is not supported; save the drawing as ASCII DXF.");
        var state = new ReadState(new DxfTokenizer(Encoding.UTF8.GetString(bytes)), limits);
        var entities = new List<DxfEntity>();
        var blocks = new Dictionary<string, DxfBlock>(StringComparer.OrdinalIgnoreCase);
        var layers = new Dictionary<string, DxfLayer>(StringComparer.OrdinalIgnoreCase);
        var header = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var sawSection = false;
        var sawEof = false;
        while (state.Tokens.TryRead(out var code, out var value))
        {
            if (code == 999) continue;
            if (code != 0) continue;
            if (value == "EOF") { sawEof = true; break; }
            if (value != "SECTION") continue;
            sawSection = true;
            state.Tokens.TryRead(out _, out var name);
            switch (name)
            {
                case "HEADER": ReadHeader(state, header); break;
                case "TABLES": ReadTables(state, layers); break;
                case "BLOCKS": ReadBlocks(state, blocks); break;
                case "ENTITIES": ReadEntities(state, entities, "ENDSEC"); break;
                default: SkipSection(state); break;
            }
        }
        if (!sawSection) throw DrawingFileException.Corrupt("The file is not a DXF drawing (no SECTION found).");
        if (!sawEof && !state.EndedCleanly) throw DrawingFileException.Corrupt("The DXF ends in the middle of a section (truncated).");
        return new DxfDocument(entities, blocks, layers, header);
    }

    private sealed class ReadState(DxfTokenizer tokens, DrawingLimits limits)
    {
        public DxfTokenizer Tokens => tokens;
        public int Records;
        public bool EndedCleanly = true;

        public void Count()
        {
            if (++Records > limits.MaxDxfEntities)
                throw DrawingFileException.TooLarge($"The DXF has more than {limits.MaxDxfEntities:N0} entities; it was refused.");
        }
    }

    private static void ReadHeader(ReadState s, Dictionary<string, string> header)
    {
        string? variable = null;
        while (RequireRead(s, out var code, out var value))
        {
            if (code == 0 && value == "ENDSEC") return;
            if (code == 9) variable = value;
            else if (variable is not null) { header.TryAdd(variable, value); variable = null; }
        }
    }

    private static void ReadTables(ReadState s, Dictionary<string, DxfLayer> layers)
    {
        while (RequireRead(s, out var code, out var value))
        {
            if (code != 0) continue;
            if (value == "ENDSEC") return;
            if (value != "LAYER") continue;
            var record = ReadRecord(s, "LAYER");
            var name = record.String(2);
            if (!string.IsNullOrEmpty(name)) layers[name] = new DxfLayer(name, Math.Abs(record.Int(62, 7)));
        }
    }

    private static void ReadBlocks(ReadState s, Dictionary<string, DxfBlock> blocks)
    {
        while (RequireRead(s, out var code, out var value))
        {
            if (code != 0) continue;
            if (value == "ENDSEC") return;
            if (value != "BLOCK") continue;
            var record = ReadRecord(s, "BLOCK");
            var entities = new List<DxfEntity>();
            ReadEntities(s, entities, "ENDBLK");
            ReadRecord(s, "ENDBLK");
            var name = record.String(2) ?? "";
            blocks[name] = new DxfBlock(name, record.Point(10), entities);
        }
    }

    private static void SkipSection(ReadState s)
    {
        while (RequireRead(s, out var code, out var value))
            if (code == 0 && value == "ENDSEC") return;
    }

    // Reads entity records up to and including the code-0 pair with value `end` (ENDSEC or ENDBLK).
    private static void ReadEntities(ReadState s, List<DxfEntity> into, string end)
    {
        while (true)
        {
            if (!s.Tokens.TryPeek(out var code, out var value))
            {
                s.EndedCleanly = false;
                throw DrawingFileException.Corrupt("The DXF ends in the middle of a section (truncated).");
            }
            if (code != 0) { s.Tokens.TryRead(out _, out _); continue; }
            if (value == end)
            {
                s.Tokens.TryRead(out _, out _);
                return;
            }
            s.Tokens.TryRead(out _, out _);
            var record = ReadRecord(s, value);
            if (value == "POLYLINE")
            {
                var vertices = new List<DxfRecord>();
                while (s.Tokens.TryPeek(out var c, out var v) && c == 0 && (v == "VERTEX" || v == "SEQEND"))
                {
                    s.Tokens.TryRead(out _, out _);
                    var r = ReadRecord(s, v);
                    if (v == "SEQEND") break;
                    vertices.Add(r);
                }
                into.Add(DxfEntityBuilder.Polyline(record, vertices));
                continue;
            }
            if (DxfEntityBuilder.Build(record) is { } entity) into.Add(entity);
        }
    }

    private static DxfRecord ReadRecord(ReadState s, string type)
    {
        s.Count();
        var pairs = new List<(int, string)>();
        while (s.Tokens.TryPeek(out var code, out var value) && code != 0)
        {
            s.Tokens.TryRead(out _, out _);
            pairs.Add((code, value));
        }
        return new DxfRecord(type, pairs);
    }

    private static bool RequireRead(ReadState s, out int code, out string value)
    {
        if (s.Tokens.TryRead(out code, out value)) return true;
        s.EndedCleanly = false;
        throw DrawingFileException.Corrupt("The DXF ends in the middle of a section (truncated).");
    }
}
