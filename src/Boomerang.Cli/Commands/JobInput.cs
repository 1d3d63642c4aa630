using System.Text.Json;

namespace Boomerang.Cli.Commands;

/// <summary>Reads <c>--input</c>: inline JSON, <c>@file</c>, or <c>@-</c> for stdin.</summary>
internal static class JobInput
{
    public static JsonElement? Read(string? text, TextReader stdin)
    {
        if (text is null)
        {
            return null;
        }
        var source = "--input";
        if (text.StartsWith('@'))
        {
            var path = text[1..];
            source = path == "-" ? "stdin" : path;
            try
            {
                text = path == "-" ? stdin.ReadToEnd() : File.ReadAllText(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new CliError($"cannot read the input file {path}: {e.Message}");
            }
        }
        try
        {
            using var doc = JsonDocument.Parse(text);
            return doc.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new CliError($"{source} is not valid JSON: {e.Message}");
        }
    }
}
