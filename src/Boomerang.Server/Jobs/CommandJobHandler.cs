using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Boomerang.Jobs;

namespace Boomerang.Server.Jobs;

/// <summary>
/// Runs a configured program for a job: input JSON on stdin, JSON on stdout becomes the result,
/// <c>progress: N</c> lines on either stream set progress, a non-zero exit fails the job with the tail of
/// stderr. Nothing from the request reaches the command line. Cancel and timeout kill the process tree.
/// </summary>
internal sealed partial class CommandJobHandler(CommandKindOptions command, ILogger<CommandJobHandler> log) : IJobHandler
{
    private const int MaxStdoutChars = 4 * 1024 * 1024;
    private const int StderrTailChars = 2000;

    public async Task<JsonElement?> RunAsync(JobContext context, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(command.Path)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = command.WorkingDirectory ?? "",
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var arg in command.Args)
        {
            start.ArgumentList.Add(arg);
        }
        foreach (var (name, value) in command.Env)
        {
            start.Environment[name] = value;
        }
        start.Environment["BOOMERANG_JOB_ID"] = context.JobId;
        start.Environment["BOOMERANG_JOB_KIND"] = context.Kind;

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {command.Path}");
        LogStarted(log, context.JobId, context.Kind, process.Id);
        using var kill = cancellationToken.Register(() => KillTree(process));

        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        var readOut = PumpAsync(process.StandardOutput, stdout, MaxStdoutChars, keepTail: false, context);
        var readErr = PumpAsync(process.StandardError, stderr, StderrTailChars, keepTail: true, context);
        try
        {
            await process.StandardInput.WriteAsync(context.Input.GetRawText().AsMemory(), cancellationToken).ConfigureAwait(false);
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The program exited without reading its input; its exit code says what happened.
        }
        await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        await Task.WhenAll(readOut, readErr).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        if (await readOut.ConfigureAwait(false))
        {
            throw new CommandFailedException($"stdout larger than {MaxStdoutChars} characters");
        }

        if (process.ExitCode != 0)
        {
            var tail = stderr.ToString().Trim();
            throw new CommandFailedException(tail.Length > 0 ? tail : $"exited with code {process.ExitCode}");
        }
        var text = stdout.ToString().Trim();
        if (text.Length == 0)
        {
            return null;
        }
        try
        {
            using var doc = JsonDocument.Parse(text);
            return doc.RootElement.Clone();
        }
        catch (JsonException)
        {
            return JsonSerializer.SerializeToElement(new { stdout = text });
        }
    }

    /// <summary>Reads a stream to its end (a pipe left unread would block the program). True if it overflowed.</summary>
    private static async Task<bool> PumpAsync(StreamReader reader, StringBuilder sink, int cap, bool keepTail, JobContext context)
    {
        var overflowed = false;
        while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            if (TryParseProgress(line) is { } progress)
            {
                await context.ReportProgressAsync(progress).ConfigureAwait(false);
                continue;
            }
            if (overflowed)
            {
                continue;
            }
            sink.Append(line).Append('\n');
            if (sink.Length > cap)
            {
                if (keepTail)
                {
                    sink.Remove(0, sink.Length - cap);
                }
                else
                {
                    overflowed = true;
                    sink.Clear();
                }
            }
        }
        return overflowed;
    }

    internal static int? TryParseProgress(string line)
    {
        var trimmed = line.Trim();
        const string prefix = "progress:";
        return trimmed.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)
            && double.TryParse(trimmed.AsSpan(prefix.Length).Trim().TrimEnd('%'), System.Globalization.NumberStyles.Float,
                System.Globalization.CultureInfo.InvariantCulture, out var value)
            ? (int)Math.Clamp(value, 0, 100)
            : null;
    }

    private static void KillTree(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Debug, Message = "Job {JobId} ({Kind}) started process {Pid}")]
    private static partial void LogStarted(ILogger logger, string jobId, string kind, int pid);
}

/// <summary>A command exited non-zero; the message is what the job's error shows.</summary>
internal sealed class CommandFailedException(string message) : Exception(message);
