using System.CommandLine;
using System.Net.Sockets;
using Boomerang.Cli.Commands;
using Boomerang.Client;

namespace Boomerang.Cli;

/// <summary>The <c>boomerang</c> command tree and its one error path: every failure is one line on stderr and a non-zero exit.</summary>
internal static class CliApp
{
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var global = new GlobalOptions();
        var root = new RootCommand("boomerang: submit and inspect Boomerang jobs, receive and verify their callbacks.");
        global.AddTo(root);
        var console = new CliConsole(stdout, stderr);
        root.Add(SubmitCommand.Create(global, console));
        root.Add(JobsCommands.Create(global, console));
        root.Add(JobsCommands.CreateDeliveries(global, console));
        root.Add(JobsCommands.CreateRedeliver(global, console));
        root.Add(ListenCommand.Create(global, console));
        root.Add(VerifyCommand.Create(global, console));

        // No response files: '@file' is --input's own syntax.
        var parsed = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parsed.Errors.Count > 0)
        {
            // One line, not the help page: scripts read stderr.
            await stderr.WriteLineAsync($"error: {parsed.Errors[0].Message} (see 'boomerang --help')");
            return ExitCodes.Error;
        }
        using var stop = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; stop.Cancel(); };
        Console.CancelKeyPress += onCancel;
        try
        {
            return await parsed.InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false }, stop.Token);
        }
        catch (Exception e) when (Describe(e) is { } line)
        {
            await stderr.WriteLineAsync($"error: {line}");
            return e is CliError c ? c.ExitCode : ExitCodes.Error;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    private static string? Describe(Exception e) => e switch
    {
        CliError c => c.Message,
        BoomerangApiException api => api.ErrorCode is null
            ? $"the server answered {(int)api.StatusCode}: {api.Message}"
            : $"the server answered {(int)api.StatusCode} {api.ErrorCode}: {api.Message}",
        HttpRequestException { InnerException: SocketException s } http => $"cannot reach the server: {s.Message} ({http.Message})",
        HttpRequestException http => $"cannot reach the server: {http.Message}",
        TaskCanceledException t when t.InnerException is TimeoutException => "the server did not answer in time",
        OperationCanceledException => "interrupted",
        IOException io => io.Message,
        _ => null,
    };
}
