using System.CommandLine;
using Boomerang.Client;
using Boomerang.Jobs;
using Spectre.Console;

namespace Boomerang.Cli.Commands;

/// <summary><c>boomerang submit KIND --input JSON|@file [--callback URL] [--wait]</c>.</summary>
internal static class SubmitCommand
{
    public static Command Create(GlobalOptions global, CliConsole console)
    {
        var kind = new Argument<string>("kind") { Description = "The job kind, for example echo" };
        var input = new Option<string?>("--input") { Description = "The job input: JSON text, @file, or @- for stdin" };
        var callback = new Option<string?>("--callback") { Description = "URL the outcome is POSTed to when the job finishes" };
        var key = new Option<string?>("--idempotency-key") { Description = "Repeating a key returns the first job instead of a new one" };
        var progress = new Option<bool>("--progress-callbacks") { Description = "Also send job.progress callbacks" };
        var wait = new Option<bool>("--wait") { Description = "Show progress until the job ends; exit 0 when it completed, 1 when not" };
        var timeout = new Option<double?>("--timeout") { Description = "With --wait: give up after this many seconds (exit 2)" };
        var command = new Command("submit", "Submit a job") { kind, input, callback, key, progress, wait, timeout };
        command.SetAction(async (parse, ct) =>
        {
            var settings = CliSettings.Resolve(parse, global, Environment.GetEnvironmentVariable);
            var request = new SubmitJobRequest(parse.GetRequiredValue(kind), JobInput.Read(parse.GetValue(input), Console.In),
                parse.GetValue(callback), parse.GetValue(key), parse.GetValue(progress) ? [CallbackEvent.Progress] : null);
            using var http = CliSettings.CreateHttp();
            var client = settings.CreateClient(http);
            var submitted = await client.SubmitAsync(request, ct);
            var json = parse.GetValue(global.Json);
            if (!parse.GetValue(wait))
            {
                if (json)
                {
                    await console.WriteJsonAsync(submitted);
                }
                else
                {
                    console.Ansi.MarkupLine(submitted.Created
                        ? $"submitted job [bold]{Markup.Escape(submitted.JobId)}[/] ({submitted.Status})"
                        : $"job [bold]{Markup.Escape(submitted.JobId)}[/] already exists for this idempotency key ({submitted.Status})");
                }
                return ExitCodes.Ok;
            }
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
            if (parse.GetValue(timeout) is { } seconds)
            {
                deadline.CancelAfter(TimeSpan.FromSeconds(seconds));
            }
            JobView job;
            try
            {
                job = json ? await client.WaitAsync(submitted.JobId, deadline.Token) : await WatchAsync(client, submitted.JobId, console, deadline.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                throw new CliError($"job {submitted.JobId} had not finished after {parse.GetValue(timeout)} s");
            }
            if (json)
            {
                await console.WriteJsonAsync(job);
            }
            else
            {
                console.Ansi.Write(Format.Job(job));
            }
            return job.Status == JobStatus.Completed ? ExitCodes.Ok : ExitCodes.Negative;
        });
        return command;
    }

    /// <summary>A live progress bar on a terminal; on a pipe, one line each time the status or progress changes.</summary>
    private static async Task<JobView> WatchAsync(BoomerangClient client, string jobId, CliConsole console, CancellationToken ct)
    {
        if (!console.Ansi.Profile.Capabilities.Interactive)
        {
            (string, int)? last = null;
            while (true)
            {
                var job = await client.GetAsync(jobId, ct);
                if (last != (job.Status, job.Progress))
                {
                    last = (job.Status, job.Progress);
                    await console.Out.WriteLineAsync($"{jobId}: {job.Status} {job.Progress}%");
                }
                if (JobStatus.IsFinished(job.Status))
                {
                    return job;
                }
                await Task.Delay(TimeSpan.FromMilliseconds(250), ct);
            }
        }
        return await console.Ansi.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask($"{Markup.Escape(jobId)} pending", maxValue: 100);
                while (true)
                {
                    var job = await client.GetAsync(jobId, ct);
                    task.Description = $"{Markup.Escape(jobId)} {job.Status}";
                    task.Value = job.Progress;
                    if (JobStatus.IsFinished(job.Status))
                    {
                        if (job.Status == JobStatus.Completed)
                        {
                            task.Value = 100;
                        }
                        task.StopTask();
                        return job;
                    }
                    await Task.Delay(TimeSpan.FromMilliseconds(250), ct);
                }
            });
    }
}
