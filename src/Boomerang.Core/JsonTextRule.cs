using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace Boomerang;

/// <summary>
/// Boomerang's one rule for text in JSON: every string and every field name must be valid Unicode. Raw bytes
/// must be well-formed UTF-8 (no overlong forms, no encoded surrogates as in CESU-8, no stray bytes) and
/// <c>\uXXXX</c> escapes must not leave a lone surrogate. System.Text.Json accepts both when it parses and fails
/// only later, when the text is turned into a .NET string or written out again, so a body is checked here first.
/// </summary>
public static class JsonTextRule
{
    /// <summary>How deep a JSON body may nest, its outermost object included (System.Text.Json's default).</summary>
    public const int MaxDepth = 64;

    /// <summary>
    /// Finds the first string or field name in <paramref name="utf8Json"/> that breaks the rule.
    /// </summary>
    /// <param name="utf8Json">A whole JSON document as UTF-8 bytes.</param>
    /// <returns>Null when every text is valid; otherwise what is wrong and where, e.g.
    /// <c>field 'input.name' is not valid Unicode: it contains a lone surrogate escape (\ud800)</c>.</returns>
    /// <exception cref="JsonException">The bytes are not syntactically valid JSON.</exception>
    /// <exception cref="JsonTooDeepException">They nest deeper than <see cref="MaxDepth"/>.</exception>
    public static string? FindViolation(ReadOnlySpan<byte> utf8Json)
    {
        // One level more for the reader, so that too deep is said as such rather than as invalid JSON.
        var reader = new Utf8JsonReader(utf8Json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = MaxDepth + 1 });
        var path = new JsonPathTracker();
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.PropertyName:
                    if (Problem(reader) is { } keyProblem)
                    {
                        return $"a field name in {path.Describe()} is not valid Unicode: {keyProblem}";
                    }
                    path.Property(reader.GetString()!);
                    break;
                case JsonTokenType.String:
                    path.Value();
                    if (Problem(reader) is { } valueProblem)
                    {
                        return $"{path.Describe()} is not valid Unicode: {valueProblem}";
                    }
                    break;
                case JsonTokenType.StartObject or JsonTokenType.StartArray:
                    if (reader.CurrentDepth >= MaxDepth)
                    {
                        throw new JsonTooDeepException($"JSON nested deeper than {MaxDepth} levels (at {path.Describe()})");
                    }
                    path.Value();
                    path.Enter(reader.TokenType == JsonTokenType.StartArray);
                    break;
                case JsonTokenType.EndObject or JsonTokenType.EndArray:
                    path.Leave();
                    break;
                default:
                    path.Value();
                    break;
            }
        }
        return null;
    }

    /// <summary>True when <paramref name="text"/> is well-formed UTF-16 (no lone surrogate), so it can be written as JSON.</summary>
    /// <param name="text">Any .NET string.</param>
    public static bool IsWellFormed(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary><paramref name="text"/> with every lone surrogate replaced by U+FFFD, so it can always be written out.</summary>
    /// <param name="text">Any .NET string.</param>
    public static string Repair(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (IsWellFormed(text))
        {
            return text;
        }
        var builder = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                builder.Append(text[i]).Append(text[++i]);
            }
            else
            {
                builder.Append(char.IsSurrogate(text[i]) ? '\ufffd' : text[i]);
            }
        }
        return builder.ToString();
    }

    private static string? Problem(in Utf8JsonReader reader)
    {
        var raw = reader.ValueSpan;
        if (!Utf8.IsValid(raw))
        {
            return "it contains bytes that are not well-formed UTF-8";
        }
        return reader.ValueIsEscaped ? LoneSurrogateEscape(raw) : null;
    }

    // Walks the escapes of a raw (still escaped) JSON string; the reader has already checked their syntax.
    private static string? LoneSurrogateEscape(ReadOnlySpan<byte> raw)
    {
        for (var i = 0; i < raw.Length; i++)
        {
            if (raw[i] != (byte)'\\')
            {
                continue;
            }
            if (raw[i + 1] != (byte)'u')
            {
                i++;
                continue;
            }
            var unit = Hex(raw.Slice(i + 2, 4));
            i += 5;
            if (unit is >= 0xDC00 and <= 0xDFFF)
            {
                return Lone(unit);
            }
            if (unit is >= 0xD800 and <= 0xDBFF)
            {
                var next = i + 1;
                if (next + 5 < raw.Length && raw[next] == (byte)'\\' && raw[next + 1] == (byte)'u'
                    && Hex(raw.Slice(next + 2, 4)) is >= 0xDC00 and <= 0xDFFF)
                {
                    i = next + 5;
                    continue;
                }
                return Lone(unit);
            }
        }
        return null;

        static string Lone(int unit) => $"it contains a lone surrogate escape (\\u{unit:x4})";
    }

    private static int Hex(ReadOnlySpan<byte> four)
    {
        var value = 0;
        foreach (var b in four)
        {
            value = (value << 4) | (b <= '9' ? b - '0' : (b | 0x20) - 'a' + 10);
        }
        return value;
    }

    /// <summary>Keeps the JSON path of the token being read, to name the field a problem is in.</summary>
    private sealed class JsonPathTracker
    {
        private readonly List<(bool IsArray, int Index, string? Name)> _frames = [];

        public void Enter(bool isArray) => _frames.Add((isArray, -1, null));

        public void Leave() => _frames.RemoveAt(_frames.Count - 1);

        public void Property(string name) => _frames[^1] = (false, -1, name);

        public void Value()
        {
            if (_frames.Count > 0 && _frames[^1].IsArray)
            {
                _frames[^1] = (true, _frames[^1].Index + 1, null);
            }
        }

        public string Describe()
        {
            if (_frames.Count == 0 || (_frames.Count == 1 && _frames[0] is { IsArray: false, Name: null }))
            {
                return "the body";
            }
            var text = new StringBuilder();
            foreach (var (isArray, index, name) in _frames)
            {
                if (isArray)
                {
                    text.Append('[').Append(index).Append(']');
                }
                else if (name is not null)
                {
                    text.Append(text.Length == 0 ? "" : ".").Append(name);
                }
            }
            var path = text.ToString();
            return $"field '{(path.Length > 80 ? path[..80] + "…" : path)}'";
        }
    }
}

/// <summary>Valid JSON that nests deeper than <see cref="JsonTextRule.MaxDepth"/> levels; the message says where.</summary>
public sealed class JsonTooDeepException(string message) : JsonException(message);
