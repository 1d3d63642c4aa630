using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using Boomerang;
using Boomerang.Bench;
using Boomerang.Client;
using Boomerang.Jobs;

// bench jobs     [--count N] [--batch B] [--submitters S] [--set Key=Value ...]   end to end, no callbacks
// bench callbacks [--rate R] [--seconds T] [--set ...]                             callback latency at an offered load
// bench latency  [--rate R] [--seconds T] [--split 1] [--set ...]                 pickup latency: one job per request at a low rate
// bench dispatch [--count N] [--set ...]                                          deliveries/s to a fast receiver:
//   a first server (roles api,worker) finishes N jobs with callbacks, leaving N deliveries in the outbox; a second
//   server on the same database (role dispatcher) drains them, timed by the receiver.
var mode = args.FirstOrDefault() ?? "jobs";
var options = Options.Parse(args.Skip(1).ToArray());
// Common options: --callbacks 1 (jobs mode: every job has a callback, timed to the last arrival) and --postgres CONNSTR
// (the server on PostgreSQL, in a fresh schema dropped afterwards), --redis HOST:PORT (the server on Redis, under a
// fresh key prefix; the script's throw-away Redis is flushed between runs) and --defaults 1 (the server's own sizing:
// only the settings a loopback callback receiver needs are set, not the bench's concurrency below).
var repo = FindRepoRoot();
Console.WriteLine($"mode={mode} {string.Join(' ', args.Skip(1).Select(a => a.Contains("Host=", StringComparison.Ordinal) || a.Contains("password=", StringComparison.OrdinalIgnoreCase) ? "<connstr>" : a))}");
var withCallbacks = mode != "jobs" || options.Int("callbacks", 0) == 1;

await using var receiver = withCallbacks ? await FastReceiver.StartAsync() : null;
await using var postgres = options.Values.TryGetValue("postgres", out var connectionString) ? await BenchSchema.CreateAsync(connectionString) : null;
var settings = new Dictionary<string, string>
{
    ["Boomerang:Callbacks:AllowHttp"] = "true",
    ["Boomerang:Callbacks:AllowedNetworks:0"] = "127.0.0.0/8",
    ["Boomerang:Callbacks:SigningSecrets:0"] = "bench-secret",
};
if (options.Int("defaults", 0) != 1)
{
    settings["Boomerang:Jobs:Concurrency"] = "64";
    settings["Boomerang:Jobs:MaxActive"] = "1000000";
    settings["Boomerang:Callbacks:Concurrency"] = "64";
    settings["Boomerang:Callbacks:PerHostConcurrency"] = "64";
}
if (options.Values.TryGetValue("redis", out var redisConfiguration))
{
    settings["Boomerang:Storage:Provider"] = "redis";
    settings["Boomerang:Storage:Redis:Configuration"] = redisConfiguration;
    settings["Boomerang:Storage:Redis:KeyPrefix"] = $"bench{Environment.ProcessId}";
}
foreach (var (key, value) in postgres?.Settings ?? new Dictionary<string, string>())
{
    settings[key] = value;
}
foreach (var (key, value) in options.Settings)
{
    settings[key] = value;
}
if (mode == "dispatch")
{
    settings["Boomerang:Roles"] = "api,worker";
}
// --split 1 (PostgreSQL): the server that takes submits is an api node, and a second process on the same database
// runs the jobs and sends the callbacks, so every wake-up crosses processes by NOTIFY.
var split = options.Int("split", 0) == 1;
if (split)
{
    settings["Boomerang:Roles"] = "api";
}
await using var server = await ServerUnderTest.StartAsync(repo, settings);
await using var backend = split
    ? await ServerUnderTest.StartAsync(repo, new Dictionary<string, string>(settings) { ["Boomerang:Roles"] = "worker,dispatcher" }, server.Folder)
    : null;
using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(2) };
var client = new BoomerangClient(http, new BoomerangClientOptions { BaseAddress = server.BaseAddress, ApiKey = ServerUnderTest.Key });
var callbackUrl = receiver is null ? null : new Uri(receiver.BaseAddress, "/hook").ToString();

switch (mode)
{
    case "jobs":
    {
        var count = options.Int("count", 50_000);
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        await SubmitAsync(count, options.Int("batch", 1000), options.Int("submitters", 4), callbackUrl);
        var submitted = clock.Elapsed;
        await WaitDrainedAsync();
        var jobs = await ReadAllAsync();
        var span = jobs.Max(j => j.FinishedAt!.Value) - jobs.Min(j => j.CreatedAt);
        Report("submitted", $"{count} jobs in {submitted.TotalSeconds:F2} s ({count / submitted.TotalSeconds:F0} jobs/s)");
        Report("completed", $"{jobs.Count(j => j.Status == JobStatus.Completed)} of {count}");
        Report("end-to-end", $"{count / span:F0} jobs/s (first submit to last finish {span:F2} s)");
        Report("submit-to-finish", Stats.Summary(jobs.Select(j => (j.FinishedAt!.Value - j.CreatedAt) * 1000).ToList()));
        Result("jobs_per_s", count / span);
        if (receiver is not null)
        {
            await WaitForCallbacksAsync(receiver, count);
            var withCallbacksSpan = (receiver.Last!.Value - started).TotalSeconds;
            Report("callbacks", $"{receiver.Count} of {count}");
            Report("with callbacks", $"{count / withCallbacksSpan:F0} jobs/s (first submit to last callback {withCallbacksSpan:F2} s)");
            Report("finish-to-callback", Stats.Summary(receiver.LatenciesMs));
            Result("jobs_with_callbacks_per_s", count / withCallbacksSpan);
        }
        break;
    }
    case "latency":
    {
        var rate = options.Int("rate", 20);
        var seconds = options.Int("seconds", 10);
        // Open loop: each submit leaves on its schedule whether or not the one before has been answered, so a slow
        // answer does not lower the offered rate.
        var ids = new List<Task<SubmittedJob>>();
        var clock = Stopwatch.StartNew();
        for (var i = 0; clock.Elapsed < TimeSpan.FromSeconds(seconds); i++)
        {
            ids.Add(client.SubmitAsync(new SubmitJobRequest("echo", System.Text.Json.JsonSerializer.SerializeToElement(i), callbackUrl)));
            var next = TimeSpan.FromSeconds((i + 1) / (double)rate) - clock.Elapsed;
            if (next > TimeSpan.Zero)
            {
                await Task.Delay(next);
            }
        }
        var offeredFor = clock.Elapsed;
        await Task.WhenAll(ids);
        await WaitForCallbacksAsync(receiver!, ids.Count);
        var jobs = await ReadAllAsync();
        var pickup = jobs.Select(j => (j.StartedAt!.Value - j.CreatedAt) * 1000).ToList();
        Report("jobs", $"{ids.Count} single submits at {rate}/s offered ({ids.Count / offeredFor.TotalSeconds:F0}/s achieved)");
        Report("pickup", Stats.Summary(pickup));
        Report("submit-to-finish", Stats.Summary(jobs.Select(j => (j.FinishedAt!.Value - j.CreatedAt) * 1000).ToList()));
        Report("finish-to-callback", Stats.Summary(receiver!.LatenciesMs));
        Result("pickup_p50_ms", Stats.Percentile(pickup, 50));
        Result("pickup_p99_ms", Stats.Percentile(pickup, 99));
        Result("finish_to_callback_p50_ms", Stats.Percentile(receiver.LatenciesMs, 50));
        break;
    }
    case "callbacks":
    {
        var rate = options.Int("rate", 500);
        var seconds = options.Int("seconds", 20);
        // Offered load: every 20 ms, a batch of rate/50 jobs, for the given time.
        var perTick = Math.Max(1, rate / 50);
        var total = 0;
        var clock = Stopwatch.StartNew();
        for (var tick = 0; clock.Elapsed < TimeSpan.FromSeconds(seconds); tick++)
        {
            await SubmitBatchAsync(perTick, callbackUrl);
            total += perTick;
            var next = TimeSpan.FromMilliseconds(20 * (tick + 1)) - clock.Elapsed;
            if (next > TimeSpan.Zero)
            {
                await Task.Delay(next);
            }
        }
        var offered = total / clock.Elapsed.TotalSeconds;
        await WaitForCallbacksAsync(receiver!, total);
        // The first second warms up JIT and connection pools; report the steady state after it.
        Report("offered", $"{offered:F0} jobs/s for {clock.Elapsed.TotalSeconds:F1} s ({total} jobs)");
        Report("callbacks", $"{receiver!.Count} of {total}");
        Report("finish-to-callback", Stats.Summary(receiver.LatenciesMs));
        break;
    }
    case "dispatch":
    {
        var count = options.Int("count", 20_000);
        await SubmitAsync(count, 1000, 4, callbackUrl);
        await WaitDrainedAsync();
        var dispatcherSettings = new Dictionary<string, string>(settings) { ["Boomerang:Roles"] = "dispatcher" };
        await using var dispatcher = await ServerUnderTest.StartAsync(repo, dispatcherSettings, server.Folder);
        await WaitForCallbacksAsync(receiver!, count);
        var span = (receiver!.Last!.Value - receiver.First!.Value).TotalSeconds;
        Report("delivered", $"{receiver.Count} of {count}");
        Report("dispatch", $"{count / span:F0} deliveries/s (first to last callback {span:F2} s)");
        break;
    }
    default:
        Console.Error.WriteLine($"unknown mode {mode}: use jobs, callbacks or dispatch");
        return 2;
}
return 0;

async Task SubmitAsync(int count, int batch, int submitters, string? url)
{
    var left = count;
    await Parallel.ForEachAsync(Enumerable.Range(0, submitters), async (_, _) =>
    {
        while (true)
        {
            var take = Math.Min(batch, Interlocked.Add(ref left, -batch) + batch);
            if (take <= 0)
            {
                return;
            }
            await SubmitBatchAsync(take, url);
        }
    });
}

async Task SubmitBatchAsync(int take, string? url)
{
    var jobs = Enumerable.Range(0, take).Select(i => new SubmitJobRequest("echo", System.Text.Json.JsonSerializer.SerializeToElement(i), url)).ToList();
    var body = await client.SubmitBatchAsync(jobs);
    if (body.Results.FirstOrDefault(r => r.Status != 202) is { } bad)
    {
        throw new InvalidOperationException($"batch item refused: {bad.Status} {bad.Error}");
    }
}

async Task WaitDrainedAsync()
{
    while (true)
    {
        var pending = await client.ListAsync(JobStatus.Pending, 1);
        var running = await client.ListAsync(JobStatus.InProgress, 1);
        if (pending.Jobs.Count == 0 && running.Jobs.Count == 0)
        {
            return;
        }
        await Task.Delay(50);
    }
}

async Task<List<JobView>> ReadAllAsync()
{
    var all = new List<JobView>();
    await foreach (var job in client.ListAllAsync())
    {
        all.Add(job);
    }
    return all;
}

static async Task WaitForCallbacksAsync(FastReceiver receiver, int count)
{
    var deadline = DateTime.UtcNow.AddMinutes(5);
    while (receiver.Count < count && DateTime.UtcNow < deadline)
    {
        await Task.Delay(20);
    }
}

static void Report(string what, string value) => Console.WriteLine($"  {what,-20} {value}");

// One machine-readable line per headline figure, for scripts/bench-postgres.sh to take medians over runs.
static void Result(string name, double value) => Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT {name} {value:F1}"));

static string FindRepoRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "Boomerang.sln")))
        {
            return dir.FullName;
        }
    }
    throw new InvalidOperationException("run from inside the repository");
}

internal sealed record Options(Dictionary<string, string> Values, List<KeyValuePair<string, string>> Settings)
{
    public static Options Parse(string[] args)
    {
        var values = new Dictionary<string, string>();
        var settings = new List<KeyValuePair<string, string>>();
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            var name = args[i].TrimStart('-');
            if (name == "set")
            {
                var eq = args[i + 1].IndexOf('=');
                settings.Add(new(args[i + 1][..eq], args[i + 1][(eq + 1)..]));
            }
            else
            {
                values[name] = args[i + 1];
            }
        }
        return new Options(values, settings);
    }

    public int Int(string name, int fallback) =>
        Values.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
}
