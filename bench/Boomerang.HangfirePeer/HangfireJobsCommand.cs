using System.Diagnostics;
using System.Globalization;
using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.Storage.SQLite;

namespace Boomerang.HangfirePeer;

/// <summary>N echo jobs through one Hangfire server on PostgreSQL or SQLite; first enqueue to last completion.</summary>
internal static class HangfireJobsCommand
{
    public static async Task<int> RunAsync(PeerOptions options)
    {
        var count = options.Int("count", 20_000);
        var submitters = options.Int("submitters", 4);
        var defaults = options.Text("defaults") == "1";
        var timeout = TimeSpan.FromSeconds(options.Int("timeout-s", 1800));
        EchoJob.CallbackUrl = options.Text("callback-url") is { } url ? new Uri(url) : null;
        var serverOptions = new BackgroundJobServerOptions();
        if (!defaults)
        {
            serverOptions.WorkerCount = options.Int("workers", 32);
        }
        var poll = TimeSpan.FromMilliseconds(options.Int("poll-ms", 100));

        GlobalConfiguration.Configuration
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings();
        var storageName = options.Required("storage");
        string pollText;
        switch (storageName)
        {
            case "postgres":
            {
                var storageOptions = new PostgreSqlStorageOptions();
                if (!defaults)
                {
                    storageOptions.QueuePollInterval = poll;
                }
                pollText = $"queue poll {storageOptions.QueuePollInterval.TotalMilliseconds} ms";
                var connection = options.Required("connection");
                GlobalConfiguration.Configuration.UsePostgreSqlStorage(c => c.UseNpgsqlConnection(connection), storageOptions);
                break;
            }
            case "sqlite":
            {
                var storageOptions = new SQLiteStorageOptions();
                if (!defaults)
                {
                    storageOptions.QueuePollInterval = poll;
                }
                pollText = $"queue poll {storageOptions.QueuePollInterval.TotalMilliseconds} ms";
                GlobalConfiguration.Configuration.UseSQLiteStorage(options.Required("file"), storageOptions);
                break;
            }
            default:
                throw new ArgumentException($"--storage must be postgres or sqlite, got '{storageName}'");
        }
        Console.WriteLine(
            $"  settings             Hangfire {typeof(BackgroundJob).Assembly.GetName().Version} on {storageName}, " +
            $"{(defaults ? "defaults: " : "")}{serverOptions.WorkerCount} workers, {pollText}, " +
            $"{(EchoJob.CallbackUrl is null ? "no callbacks" : "one callback per job")}");

        using var server = new BackgroundJobServer(serverOptions);
        var client = new BackgroundJobClient();
        var started = DateTimeOffset.UtcNow;
        Console.WriteLine($"FIRST_SUBMIT_MS {started.ToUnixTimeMilliseconds()}");
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = submitters },
            (i, _) =>
            {
                client.Enqueue<EchoJob>(job => job.RunAsync(i, null));
                return ValueTask.CompletedTask;
            });
        var submitted = clock.Elapsed;
        while (EchoJob.Completed < count && clock.Elapsed < timeout)
        {
            await Task.Delay(10);
        }
        var finished = clock.Elapsed;
        Report("submitted", $"{count} jobs in {submitted.TotalSeconds:F2} s ({count / submitted.TotalSeconds:F0} jobs/s)");
        Report("completed", $"{EchoJob.Completed} of {count}");
        if (EchoJob.Completed < count)
        {
            Console.Error.WriteLine($"hangfire: only {EchoJob.Completed} of {count} jobs completed within {timeout.TotalSeconds:F0} s");
            return 1;
        }
        Report("end-to-end", $"{count / finished.TotalSeconds:F0} jobs/s (first submit to last finish {finished.TotalSeconds:F2} s)");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT jobs_per_s {count / finished.TotalSeconds:F1}"));
        return 0;
    }

    private static void Report(string what, string value) => Console.WriteLine($"  {what,-20} {value}");
}
