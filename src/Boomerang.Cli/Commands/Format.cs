using System.Globalization;
using Boomerang.Jobs;
using Spectre.Console;

namespace Boomerang.Cli.Commands;

/// <summary>How jobs and attempts look in a terminal.</summary>
internal static class Format
{
    public static string Time(double? epochSeconds) => epochSeconds is { } s
        ? DateTimeOffset.FromUnixTimeMilliseconds((long)(s * 1000)).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture)
        : "-";

    public static string Status(string status) => status switch
    {
        JobStatus.Completed or CallbackStatus.Success => $"[green]{status}[/]",
        JobStatus.Failed => $"[red]{status}[/]",
        JobStatus.Canceled or CallbackStatus.Skipped => $"[grey]{status}[/]",
        _ => $"[yellow]{Markup.Escape(status)}[/]",
    };

    public static Grid Job(JobView job)
    {
        var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
        void Row(string name, string markup) => grid.AddRow(new Markup($"[bold]{name}[/]"), new Markup(markup));
        Row("job", Markup.Escape(job.JobId));
        Row("kind", Markup.Escape(job.Kind));
        Row("tenant", Markup.Escape(job.TenantId));
        Row("status", Status(job.Status));
        Row("progress", $"{job.Progress}%");
        Row("attempt", job.Attempt.ToString(CultureInfo.InvariantCulture));
        Row("created", Time(job.CreatedAt));
        Row("started", Time(job.StartedAt));
        Row("finished", Time(job.FinishedAt));
        if (job.Error is not null)
        {
            Row("error", $"[red]{Markup.Escape(job.Error)}[/]");
        }
        if (job.CallbackUrl is not null)
        {
            Row("callback", Markup.Escape(job.CallbackUrl));
            Row("delivery", $"{Status(job.CallbackStatus ?? "-")}, {job.CallbackAttempts ?? 0} attempt(s)"
                + (job.CallbackHttpStatus is { } h ? $", last HTTP {h}" : "")
                + (job.CallbackLastError is { } e ? $", last error: {Markup.Escape(e)}" : "")
                + (job.CallbackNextAttemptAt is { } n && job.CallbackStatus == CallbackStatus.Pending ? $", next at {Time(n)}" : ""));
        }
        if (job.Result is { } result)
        {
            Row("result", Markup.Escape(CliConsole.Pretty(result)));
        }
        return grid;
    }
}
