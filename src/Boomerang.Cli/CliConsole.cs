using System.Text.Json;
using Spectre.Console;

namespace Boomerang.Cli;

/// <summary>The two outputs: Spectre.Console for people, indented JSON (wire names) for scripts.</summary>
internal sealed class CliConsole(TextWriter stdout, TextWriter stderr)
{
    private static readonly JsonSerializerOptions Indented = new(BoomerangJson.Options) { WriteIndented = true };

    public TextWriter Out => stdout;
    public TextWriter Err => stderr;

    /// <summary>A Spectre console over stdout; colours and live rendering only when stdout is a terminal.</summary>
    public IAnsiConsole Ansi { get; } = AnsiConsole.Create(new AnsiConsoleSettings
    {
        Out = new AnsiConsoleOutput(stdout),
        Ansi = ReferenceEquals(stdout, Console.Out) && !Console.IsOutputRedirected ? AnsiSupport.Detect : AnsiSupport.No,
        ColorSystem = ReferenceEquals(stdout, Console.Out) && !Console.IsOutputRedirected ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
        Interactive = ReferenceEquals(stdout, Console.Out) && !Console.IsOutputRedirected ? InteractionSupport.Detect : InteractionSupport.No,
    });

    public Task WriteJsonAsync<T>(T value) => stdout.WriteLineAsync(JsonSerializer.Serialize(value, Indented));

    /// <summary>One compact JSON document per line (for streams such as <c>listen --json</c>).</summary>
    public Task WriteJsonLineAsync<T>(T value) => stdout.WriteLineAsync(JsonSerializer.Serialize(value, BoomerangJson.Options));

    public static string Pretty(JsonElement? element) =>
        element is { } e ? JsonSerializer.Serialize(e, Indented) : "null";
}
