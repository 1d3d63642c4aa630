using System.Globalization;
using Boomerang.Drawing.Decoding;

namespace Boomerang.Drawing.Dxf;

/// <summary>Group-code/value pairs of an ASCII DXF, one pair of lines at a time, with one pair of look-ahead.</summary>
internal sealed class DxfTokenizer(string text)
{
    private int _pos;
    private int _line;
    private (int Code, string Value)? _peeked;

    public int Line => _line;

    public bool TryPeek(out int code, out string value)
    {
        _peeked ??= ReadPair();
        if (_peeked is { } p) { code = p.Code; value = p.Value; return true; }
        code = 0; value = "";
        return false;
    }

    public bool TryRead(out int code, out string value)
    {
        var ok = TryPeek(out code, out value);
        _peeked = null;
        return ok;
    }

    private (int, string)? ReadPair()
    {
        var codeLine = NextLine();
        if (codeLine is null) return null;
        if (codeLine.Length == 0 && _pos >= text.Length) return null;
        if (!int.TryParse(codeLine, NumberStyles.Integer, CultureInfo.InvariantCulture, out var code))
            throw DrawingFileException.Corrupt($"DXF line {_line}: a group code was expected, found '{Clip(codeLine)}'.");
        var value = NextLine() ?? throw DrawingFileException.Corrupt($"DXF line {_line}: the file ends inside a group (truncated).");
        return (code, value);
    }

    private string? NextLine()
    {
        if (_pos >= text.Length) return null;
        var end = text.IndexOf('\n', _pos);
        if (end < 0) end = text.Length;
        var line = text.AsSpan(_pos, end - _pos).Trim();
        _pos = end + 1;
        _line++;
        return line.ToString();
    }

    private static string Clip(string s) => s.Length > 40 ? s[..40] + "…" : s;
}
