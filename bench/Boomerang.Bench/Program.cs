using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using Boomerang;
using Boomerang.Bench;
using Boomerang.Client;
using Boomerang.Jobs;

// Every mode runs the server AT ITS DEFAULTS: the harness sets only what a loopback callback receiver needs (allow
// http and 127.0.0.0/8, one signing secret). Anything else only through --set Key=Value; every setting is printed.
//
// bench jobs     [--count N] [--callbacks 1] [--batch B] [--submitters S] [--warmup W] [--timeline MS]   end to end; with
//                --callbacks 1 every job has a callback and "with callbacks" = N / (last callback arrival - first submit);
//                --warmup runs W jobs on the same server first and starts the clock after them; --timeline prints, per MS
//                milliseconds of the run, how many jobs were created, started and finished (and with --callbacks 1 how
//                many callbacks arrived)
// bench backlog  [--count 100000]                     N jobs with callbacks queued at once: throughput and callback
//                latency per tenth of the run, and the server's resident memory (now and peak)
// bench callbacks [--rate R] [--seconds T]            callback latency at an offered load
// bench latency  [--rate R] [--seconds T] [--split 1] pickup latency: one job per request at a low rate
// bench dispatch [--count N]                          deliveries/s: a first server (roles api,worker) finishes N jobs
//                with callbacks; a second (role dispatcher) on the same database drains them, timed by the receiver.
// Common: --runs N (each run on a fresh server and database; every run and the median printed), --postgres CONNSTR
// (a fresh schema per run, dropped afterwards), --nodes N (PostgreSQL or Redis: N server processes, all roles, on the
// same database; submits spread over them), --redis HOST:PORT (a fresh key prefix per run, "bn" and 6 hex digits),
// --set Key=Value.
var mode = args.FirstOrDefault() ?? "jobs";
var options = Options.Parse(args.Skip(1).ToArray());
var repo = FindRepoRoot();
Console.WriteLine($"mode={mode} {string.Join(' ', args.Skip(1).Select(a => a.Contains("Host=", StringComparison.Ordinal) || a.Contains("password=", StringComparison.OrdinalIgnoreCase) ? "<connstr>" : a))}");
Console.WriteLine($"machine: {Environment.ProcessorCount} cores, load average {LoadAverage()}");
var runs = options.Int("runs", 1);
// --timeline MS: checked before any run, so a bad step does not throw away a finished one.
_ = TimelineStep(options);
var results = new List<Dictionary<string, double>>();
for (var run = 1; run <= runs; run++)
{
    if (runs > 1)
    {
        Console.WriteLine($"run {run} of {runs} (load average {LoadAverage()})");
    }
    var figures = new Dictionary<string, double>();
    var code = await RunOnceAsync(mode, options, repo, figures);
    if (code != 0)
    {
        return code;
    }
    results.Add(figures);
}
if (runs > 1)
{
    Console.WriteLine($"medians of {runs} runs (load average now {LoadAverage()}):");
    foreach (var name in results.SelectMany(r => r.Keys).Distinct())
    {
        var values = results.Where(r => r.ContainsKey(name)).Select(r => r[name]).ToList();
        var median = values.Order().ElementAt(values.Count / 2);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"MEDIAN {name} {median:F1} (runs: {string.Join(" · ", values.Select(v => v.ToString("F1", CultureInfo.InvariantCulture)))})"));
    }
}
return 0;

static string LoadAverage()
{
    try
    {
        return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
    }
    catch (IOException)
    {
        return "n/a";
    }
}

static async Task<int> RunOnceAsync(string mode, Options options, string repo, Dictionary<string, double> figures)
{
var withCallbacks = mode != "jobs" || options.Int("callbacks", 0) == 1;

await using var receiver = withCallbacks ? await FastReceiver.StartAsync() : null;
await using var postgres = options.Values.TryGetValue("postgres", out var connectionString) ? await BenchSchema.CreateAsync(connectionString) : null;
var settings = new Dictionary<string, string>
{
    ["Boomerang:Callbacks:AllowHttp"] = "true",
    ["Boomerang:Callbacks:AllowedNetworks:0"] = "127.0.0.0/8",
    ["Boomerang:Callbacks:SigningSecrets:0"] = "bench-secret",
};
if (options.Values.TryGetValue("redis", out var redisConfiguration))
{
    settings["Boomerang:Storage:Provider"] = "redis";
    settings["Boomerang:Storage:Redis:Configuration"] = redisConfiguration;
    // Fresh, and about as long as the default "dedup2d" (the prefix is in every key the scripts write to the AOF).
    settings["Boomerang:Storage:Redis:KeyPrefix"] = $"bn{Guid.NewGuid():N}"[..8];
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
var nodeCount = options.Int("nodes", 1);
if (nodeCount > 1 && postgres is null && redisConfiguration is null)
{
    Console.Error.WriteLine("--nodes needs --postgres or --redis: SQLite is one process's file");
    return 2;
}
Console.WriteLine("  settings: " + string.Join(' ', settings.Where(s => !s.Key.Contains("ConnectionString", StringComparison.Ordinal)
    && !s.Key.Contains("Redis:Configuration", StringComparison.Ordinal)).Select(s => $"{s.Key}={s.Value}"))
    + (nodeCount > 1 ? $" (x{nodeCount} nodes)" : ""));
await using var server = await ServerUnderTest.StartAsync(repo, settings);
await using var backend = split
    ? await ServerUnderTest.StartAsync(repo, new Dictionary<string, string>(settings) { ["Boomerang:Roles"] = "worker,dispatcher" }, server.Folder)
    : null;
var extraNodes = new List<ServerUnderTest>();
for (var n = 1; n < nodeCount; n++)
{
    extraNodes.Add(await ServerUnderTest.StartAsync(repo, settings, server.Folder));
}
var nodes = new[] { server }.Concat(extraNodes).ToList();
using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(2) };
var clients = nodes.Select(n => new BoomerangClient(http, new BoomerangClientOptions { BaseAddress = n.BaseAddress, ApiKey = ServerUnderTest.Key })).ToList();
var client = clients[0];
var callbackUrl = receiver is null ? null : new Uri(receiver.BaseAddress, "/hook").ToString();
var submitTurn = 0;
try
{
    switch (mode)
    {
        case "jobs":
        {
            var count = options.Int("count", 50_000);
            await using var redisCpu = redisConfiguration is null ? null : await RedisCpu.ConnectAsync(redisConfiguration);
            // --warmup W: W jobs of the same kind first, on the same server, finished and called back before the clock
            // starts, so the figures are the server's steady state rather than a fresh process's JIT and pools.
            var warmup = options.Int("warmup", 0);
            if (warmup > 0)
            {
                await SubmitAsync(warmup, options.Int("batch", 1000), options.Int("submitters", 4), callbackUrl);
                if (receiver is not null)
                {
                    await WaitForCallbacksAsync(receiver, warmup);
                    if (receiver.Count < warmup)
                    {
                        throw new InvalidOperationException($"warm-up: {receiver.Count} of {warmup} callbacks arrived");
                    }
                }
                await WaitDrainedAsync();
                receiver?.Reset();
                Report("warm-up", $"{warmup} jobs run before the clock started");
            }
            var started = DateTimeOffset.UtcNow;
            var cpuAtStart = await CpuAsync(redisCpu);
            var clock = Stopwatch.StartNew();
            await SubmitAsync(count, options.Int("batch", 1000), options.Int("submitters", 4), callbackUrl);
            var submitted = clock.Elapsed;
            // With callbacks, the last callback marks the end: the harness reads nothing from the server before it, so
            // the listing below does not compete with the run it measures.
            if (receiver is not null)
            {
                await WaitForCallbacksAsync(receiver, count);
            }
            await WaitDrainedAsync();
            var cpuAtEnd = await CpuAsync(redisCpu);
            var startedAt = started.ToUnixTimeMilliseconds() / 1000.0;
            var jobs = (await ReadAllAsync()).Where(j => j.CreatedAt >= startedAt).ToList();
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
            if (TimelineStep(options) is { } step)
            {
                PrintTimeline(jobs, receiver, startedAt, step);
            }
            // CPU per job from the first submit to the end above (the last callback, or the last job finished), so the
            // start-ups and the listing are left out: the servers' processes, this one (submitting, receiving) and, on
            // Redis, redis-server.
            double PerJob(double seconds) => seconds * 1e6 / count;
            var (serverUs, harnessUs) = (PerJob(cpuAtEnd.Servers - cpuAtStart.Servers), PerJob(cpuAtEnd.Harness - cpuAtStart.Harness));
            double? redisUs = redisCpu is null ? null : PerJob(cpuAtEnd.Redis - cpuAtStart.Redis);
            Report("cpu per job", $"servers {serverUs:F0} µs, harness {harnessUs:F0} µs" + (redisUs is { } r ? $", redis-server {r:F0} µs" : ""));
            Result("server_cpu_us_per_job", serverUs);
            Result("harness_cpu_us_per_job", harnessUs);
            if (redisUs is { } redisPerJob)
            {
                Result("redis_cpu_us_per_job", redisPerJob);
            }
            break;
        }
        case "backlog":
        {
            var count = options.Int("count", 100_000);
            var started = DateTimeOffset.UtcNow;
            var clock = Stopwatch.StartNew();
            using var sampling = new CancellationTokenSource();
            var peakRss = 0.0;
            var sampler = Task.Run(async () =>
            {
                while (!sampling.IsCancellationRequested)
                {
                    peakRss = Math.Max(peakRss, nodes.Sum(n => n.MemoryMiB()?.Now ?? 0));
                    try { await Task.Delay(250, sampling.Token); } catch (OperationCanceledException) { }
                }
            });
            await SubmitAsync(count, options.Int("batch", 1000), options.Int("submitters", 4), callbackUrl);
            var submitted = clock.Elapsed;
            await WaitForCallbacksAsync(receiver!, count, TimeSpan.FromMinutes(30));
            await sampling.CancelAsync();
            await sampler;
            var jobs = await ReadAllAsync();
            var span = (receiver!.Last!.Value - started).TotalSeconds;
            Report("submitted", $"{count} jobs in {submitted.TotalSeconds:F2} s ({count / submitted.TotalSeconds:F0} jobs/s)");
            Report("callbacks", $"{receiver.Count} of {count}");
            Report("with callbacks", $"{count / span:F0} jobs/s (first submit to last callback {span:F2} s)");
            Report("finish-to-callback", Stats.Summary(receiver.LatenciesMs));
            // Tenths of the run in the order jobs finished: does the rate hold and does callback latency stay flat as
            // the queue drains from full to empty?
            var byFinish = jobs.Where(j => j.FinishedAt is not null).OrderBy(j => j.FinishedAt).ToList();
            for (var tenth = 0; tenth < 10; tenth++)
            {
                var part = byFinish.Skip(byFinish.Count * tenth / 10).Take(byFinish.Count * (tenth + 1) / 10 - byFinish.Count * tenth / 10).ToList();
                if (part.Count < 2)
                {
                    continue;
                }
                var seconds = Math.Max(part[^1].FinishedAt!.Value - part[0].FinishedAt!.Value, 0.001);
                var latencies = part.Where(j => receiver.LatencyByJob.ContainsKey(j.JobId)).Select(j => receiver.LatencyByJob[j.JobId]).ToList();
                Report($"tenth {tenth + 1}", string.Create(CultureInfo.InvariantCulture,
                    $"{part.Count / seconds,6:F0} jobs/s finished; finish-to-callback {Stats.Summary(latencies)}"));
            }
            foreach (var (node, i) in nodes.Select((n, i) => (n, i)))
            {
                if (node.MemoryMiB() is { } memory)
                {
                    Report($"server {i + 1} memory", $"{memory.Now:F0} MiB resident at the end, peak {memory.Peak:F0} MiB");
                }
            }
            Report("sampled peak", $"{peakRss:F0} MiB resident (all server processes, sampled every 250 ms)");
            Result("jobs_with_callbacks_per_s", count / span);
            Result("finish_to_callback_p99_ms", Stats.Percentile(receiver.LatenciesMs, 99));
            Result("server_peak_rss_mib", nodes.Max(n => n.MemoryMiB()?.Peak ?? 0));
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
            Result("finish_to_callback_p50_ms", Stats.Percentile(receiver.LatenciesMs, 50));
            Result("finish_to_callback_p99_ms", Stats.Percentile(receiver.LatenciesMs, 99));
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
            Result("deliveries_per_s", count / span);
            break;
        }
        default:
            Console.Error.WriteLine($"unknown mode {mode}: use jobs, backlog, callbacks, latency or dispatch");
            return 2;
    }
    return 0;
}
finally
{
    foreach (var node in extraNodes)
    {
        await node.DisposeAsync();
    }
}

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
    // Submits spread over the nodes (--nodes), one batch each in turn.
    var body = await clients[(int)((uint)Interlocked.Increment(ref submitTurn) % clients.Count)].SubmitBatchAsync(jobs);
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

static async Task WaitForCallbacksAsync(FastReceiver receiver, int count, TimeSpan? timeout = null)
{
    var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromMinutes(5));
    while (receiver.Count < count && DateTime.UtcNow < deadline)
    {
        await Task.Delay(20);
    }
}

async Task<(double Servers, double Harness, double Redis)> CpuAsync(RedisCpu? redis) =>
    (nodes.Sum(n => n.CpuSeconds()) + (backend?.CpuSeconds() ?? 0), Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds,
        redis is null ? 0 : await redis.SecondsAsync());

void Result(string name, double value)
{
    figures[name] = value;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT {name} {value:F1}"));
}
}

static void Report(string what, string value) => Console.WriteLine($"  {what,-20} {value}");

// --timeline MS as seconds; null without it.
static double? TimelineStep(Options options) => options.Values.TryGetValue("timeline", out var text)
    ? int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var ms) && ms >= 1 ? ms / 1000.0
        : throw new ArgumentException($"--timeline takes a step in whole milliseconds (1 or more), not '{text}'")
    : null;

// Per step of the run from the first submit: jobs created, started and finished, and callbacks arrived (a job's finish
// plus its measured finish-to-callback delay). Shows where a run spends its time, e.g. how much gets done while submits
// are still arriving.
static void PrintTimeline(IReadOnlyList<JobView> jobs, FastReceiver? receiver, double startedAt, double step)
{
    var arrived = receiver is null ? [] : jobs.Where(j => receiver.LatencyByJob.ContainsKey(j.JobId))
        .Select(j => j.FinishedAt!.Value + receiver.LatencyByJob[j.JobId] / 1000).ToList();
    int[] Histogram(IEnumerable<double> times, int buckets)
    {
        var counts = new int[buckets];
        foreach (var t in times)
        {
            counts[Math.Clamp((int)((t - startedAt) / step), 0, buckets - 1)]++;
        }
        return counts;
    }
    var last = jobs.Select(j => j.FinishedAt ?? j.CreatedAt).Concat(arrived).DefaultIfEmpty(startedAt).Max();
    var n = (int)((last - startedAt) / step) + 1;
    var (created, started, finished, called) = (Histogram(jobs.Select(j => j.CreatedAt), n),
        Histogram(jobs.Where(j => j.StartedAt is not null).Select(j => j.StartedAt!.Value), n),
        Histogram(jobs.Where(j => j.FinishedAt is not null).Select(j => j.FinishedAt!.Value), n), Histogram(arrived, n));
    for (var i = 0; i < n; i++)
    {
        var callbacks = receiver is null ? "" : string.Create(CultureInfo.InvariantCulture, $"  callbacks {called[i],6}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  timeline {i * step,7:F3} s  created {created[i],6}  started {started[i],6}  finished {finished[i],6}{callbacks}"));
    }
}


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
