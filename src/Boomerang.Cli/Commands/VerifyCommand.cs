using System.CommandLine;
using Spectre.Console;

namespace Boomerang.Cli.Commands;

/// <summary><c>boomerang verify --secret … &lt; request.http</c>: checks a saved raw request; exit 0 valid, 1 not.</summary>
internal static class VerifyCommand
{
    public static Command Create(GlobalOptions global, CliConsole console)
    {
        var secret = new Option<string[]>("--secret") { Description = "Signing secret (repeat for rotation)", Required = true };
        var tolerance = new Option<double>("--tolerance")
        {
            Description = "Accepted timestamp age in seconds (raise it to check an old saved request)",
            DefaultValueFactory = _ => 300,
        };
        var command = new Command("verify", "Verify the signature of a raw HTTP request read from stdin") { secret, tolerance };
        command.SetAction(async (parse, ct) =>
        {
            var secrets = CallbackCheck.ParseSecrets(parse.GetValue(secret));
            if (parse.GetValue(tolerance) is var t && (t < 0 || double.IsNaN(t) || t > TimeSpan.MaxValue.TotalSeconds / 2))
            {
                throw new CliError($"--tolerance {t} must be a number of seconds, 0 or more");
            }
            using var stdin = Console.OpenStandardInput();
            using var buffer = new MemoryStream();
            await stdin.CopyToAsync(buffer, ct);
            if (buffer.Length == 0)
            {
                throw new CliError("nothing on stdin: pipe a raw HTTP request in, e.g. boomerang verify --secret … < request.http");
            }
            var request = HttpRequestFile.Parse(buffer.ToArray());
            var report = CallbackCheck.Check(request.Method, request.Path, request.Headers, request.Body, secrets, DateTimeOffset.UtcNow,
                TimeSpan.FromSeconds(parse.GetValue(tolerance)));
            if (parse.GetValue(global.Json))
            {
                await console.WriteJsonAsync(report);
            }
            else
            {
                console.Ansi.MarkupLine(CallbackCheck.IsValid(report)
                    ? $"[green]valid[/] ({report.Scheme}) {Markup.Escape(report.Event ?? "")} job {Markup.Escape(report.JobId ?? "-")}"
                    : $"[red]{Markup.Escape(report.Signature)}[/] ({report.Scheme})");
            }
            return CallbackCheck.IsValid(report) ? ExitCodes.Ok : ExitCodes.Negative;
        });
        return command;
    }
}
