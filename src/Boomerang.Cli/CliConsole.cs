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
    public IAnsiConsole Ansi { get; } = Create(stdout);

    private static IAnsiConsole Create(TextWriter stdout)
    {
        var terminal = ReferenceEquals(stdout, Console.Out) && !Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(stdout),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = terminal ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!console.Profile.Capabilities.Interactive)
        {
            // A pipe has no width: do not wrap ids and lines at 80 columns for grep and scripts.
            console.Profile.Width = 1000;
        }
        return console;
    }

    public Task WriteJsonAsync<T>(T value) => stdout.WriteLineAsync(JsonSerializer.Serialize(value, Indented));

    /// <summary>One compact JSON document per line (for streams such as <c>listen --json</c>).</summary>
    public Task WriteJsonLineAsync<T>(T value) => stdout.WriteLineAsync(JsonSerializer.Serialize(value, BoomerangJson.Options));

    public static string Pretty(JsonElement? element) =>
        element is { } e ? JsonSerializer.Serialize(e, Indented) : "null";
}
