using Spectre.Console;

namespace Boomerang.Cli.Commands;

/// <summary>Prints a received callback for a person: a headline, the signature verdict, the pretty body.</summary>
internal static class CallbackPrinter
{
    public static void Print(IAnsiConsole console, CallbackReport r)
    {
        var verdict = r.Signature switch
        {
            "valid" => $"[green]signature valid[/] ({r.Scheme})",
            _ when r.Scheme == "none" && r.Signature.StartsWith("not checked", StringComparison.Ordinal) => "[yellow]signature not checked (no --secret)[/]",
            _ => $"[red]signature {Markup.Escape(r.Signature)}[/] ({r.Scheme})",
        };
        console.MarkupLine($"[bold]{Markup.Escape(r.ReceivedAt)}[/] {Markup.Escape(r.Method)} {Markup.Escape(r.Path)}  "
            + $"[bold]{Markup.Escape(r.Event ?? "(no event)")}[/] job {Markup.Escape(r.JobId ?? "-")} {Markup.Escape(r.Status ?? "")}  {verdict}");
        if (r.Headers.TryGetValue("webhook-id", out var id))
        {
            console.MarkupLine($"  webhook-id {Markup.Escape(id)}");
        }
        var body = r.Body is { } json ? CliConsole.Pretty(json) : r.BodyText ?? "";
        console.WriteLine(Indent(body));
        if (r.ForwardedStatus is { } status)
        {
            console.MarkupLine($"  forwarded: HTTP {status}");
        }
        else if (r.ForwardError is { } error)
        {
            console.MarkupLine($"  [red]forward failed:[/] {Markup.Escape(error)}");
        }
    }

    private static string Indent(string text) => string.Join('\n', text.Split('\n').Select(l => "  " + l));
}
