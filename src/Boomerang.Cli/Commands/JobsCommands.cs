using System.CommandLine;
using System.Globalization;
using Boomerang.Jobs;
using Spectre.Console;

namespace Boomerang.Cli.Commands;

/// <summary><c>jobs list|get|cancel</c>, <c>deliveries JOB</c>, <c>redeliver JOB</c>: one API call each.</summary>
internal static class JobsCommands
{
    public static Command Create(GlobalOptions global, CliConsole console)
    {
        var status = new Option<string?>("--status") { Description = $"Only jobs in this status: {string.Join(", ", JobStatus.All)}" };
        var limit = new Option<int?>("--limit") { Description = "Jobs per page, 1..200 (the server's default is 50)" };
        var cursor = new Option<string?>("--cursor") { Description = "next_cursor of the previous page" };
        var list = new Command("list", "List your jobs, newest first") { status, limit, cursor };
        list.SetAction(async (parse, ct) =>
        {
            var client = Client(parse, global, out var http);
            using (http)
            {
                var page = await client.ListAsync(parse.GetValue(status), parse.GetValue(limit), parse.GetValue(cursor), ct);
                if (parse.GetValue(global.Json))
                {
                    await console.WriteJsonAsync(page);
                    return ExitCodes.Ok;
                }
                var table = new Table().AddColumns("job", "kind", "status", "progress", "created", "callback");
                foreach (var job in page.Jobs)
                {
                    table.AddRow(Markup.Escape(job.JobId), Markup.Escape(job.Kind), Format.Status(job.Status), $"{job.Progress}%",
                        Format.Time(job.CreatedAt), job.CallbackStatus is { } c ? Format.Status(c) : "-");
                }
                console.Ansi.Write(table);
                if (page.NextCursor is not null)
                {
                    console.Ansi.MarkupLine($"more: --cursor {Markup.Escape(page.NextCursor)}");
                }
                return ExitCodes.Ok;
            }
        });

        var getId = JobArgument();
        var get = new Command("get", "Show one job with its result and delivery state") { getId };
        get.SetAction(async (parse, ct) =>
        {
            var client = Client(parse, global, out var http);
            using (http)
            {
                var job = await client.GetAsync(parse.GetRequiredValue(getId), ct);
                if (parse.GetValue(global.Json)) { await console.WriteJsonAsync(job); } else { console.Ansi.Write(Format.Job(job)); }
                return ExitCodes.Ok;
            }
        });

        var cancelId = JobArgument();
        var cancel = new Command("cancel", "Cancel a job: a pending one at once, a running one when its handler stops") { cancelId };
        cancel.SetAction(async (parse, ct) =>
        {
            var client = Client(parse, global, out var http);
            using (http)
            {
                var answer = await client.CancelAsync(parse.GetRequiredValue(cancelId), ct);
                if (parse.GetValue(global.Json)) { await console.WriteJsonAsync(answer); }
                else { console.Ansi.MarkupLine($"cancel requested for job [bold]{Markup.Escape(answer.JobId)}[/]"); }
                return ExitCodes.Ok;
            }
        });
        return new Command("jobs", "List, show and cancel jobs") { list, get, cancel };
    }

    public static Command CreateDeliveries(GlobalOptions global, CliConsole console)
    {
        var id = JobArgument();
        var command = new Command("deliveries", "Every attempt to deliver a job's callbacks") { id };
        command.SetAction(async (parse, ct) =>
        {
            var client = Client(parse, global, out var http);
            using (http)
            {
                var answer = await client.GetDeliveriesAsync(parse.GetRequiredValue(id), ct);
                if (parse.GetValue(global.Json))
                {
                    await console.WriteJsonAsync(answer);
                    return ExitCodes.Ok;
                }
                var table = new Table().AddColumns("time", "event", "attempt", "http", "duration", "error", "response");
                foreach (var a in answer.Deliveries)
                {
                    table.AddRow(Format.Time(a.StartedAt), Markup.Escape(a.Event), a.Attempt.ToString(CultureInfo.InvariantCulture),
                        a.HttpStatus is { } h ? (h is >= 200 and < 300 ? $"[green]{h}[/]" : $"[red]{h}[/]") : "-",
                        $"{a.DurationMs.ToString("0", CultureInfo.InvariantCulture)} ms", Markup.Escape(a.Error ?? ""),
                        Markup.Escape(Excerpt(a.ResponseBody)));
                }
                console.Ansi.Write(table);
                if (answer.Deliveries.Count == 0)
                {
                    console.Ansi.MarkupLine("no delivery attempts yet");
                }
                return ExitCodes.Ok;
            }
        });
        return command;
    }

    public static Command CreateRedeliver(GlobalOptions global, CliConsole console)
    {
        var id = JobArgument();
        var command = new Command("redeliver", "Send a finished job's callback again (same webhook id)") { id };
        command.SetAction(async (parse, ct) =>
        {
            var client = Client(parse, global, out var http);
            using (http)
            {
                var answer = await client.RedeliverAsync(parse.GetRequiredValue(id), ct);
                if (parse.GetValue(global.Json)) { await console.WriteJsonAsync(answer); }
                else { console.Ansi.MarkupLine($"callback of job [bold]{Markup.Escape(answer.JobId)}[/] queued again (webhook {Markup.Escape(answer.WebhookId)})"); }
                return ExitCodes.Ok;
            }
        });
        return command;
    }

    private static Argument<string> JobArgument() => new("job") { Description = "The job id" };

    private static Boomerang.Client.BoomerangClient Client(ParseResult parse, GlobalOptions global, out HttpClient http)
    {
        var settings = CliSettings.Resolve(parse, global, Environment.GetEnvironmentVariable);
        http = CliSettings.CreateHttp();
        try
        {
            return settings.CreateClient(http);
        }
        catch
        {
            http.Dispose();
            throw;
        }
    }

    private static string Excerpt(string? body) =>
        body is null ? "" : body.Length <= 60 ? body.ReplaceLineEndings(" ") : body[..60].ReplaceLineEndings(" ") + "…";
}
