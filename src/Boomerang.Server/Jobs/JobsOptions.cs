namespace Boomerang.Server.Jobs;

internal sealed class JobsOptions
{
    public const string Section = "Boomerang:Jobs";
    /// <summary>Jobs one worker process holds at once. In-process handlers are async and cost a task each, so the
    /// default is wide enough that claims and finishes go in large batches; child-process kinds are bounded further by
    /// their own <see cref="CommandKindOptions.Concurrency"/>.</summary>
    public int Concurrency { get; set; } = 256;
    public int MaxActive { get; set; } = 100_000;
    public double LeaseSeconds { get; set; } = 30;
    public int MaxAttempts { get; set; } = 3;
    public double TimeoutSeconds { get; set; } = 300;
    /// <summary>Timeouts for single kinds, overriding <see cref="TimeoutSeconds"/>.</summary>
    public Dictionary<string, double> KindTimeoutSeconds { get; set; } = new(StringComparer.Ordinal);
    public double PollIntervalSeconds { get; set; } = 1;
    public double ShutdownGraceSeconds { get; set; } = 10;
    public Dictionary<string, CommandKindOptions> Commands { get; set; } = new(StringComparer.Ordinal);

    public TimeSpan Lease => TimeSpan.FromSeconds(LeaseSeconds);

    public TimeSpan TimeoutFor(string kind) => TimeSpan.FromSeconds(
        Commands.TryGetValue(kind, out var command) && command.TimeoutSeconds is { } c ? c
        : KindTimeoutSeconds.TryGetValue(kind, out var k) ? k
        : TimeoutSeconds);
}

internal sealed class CommandKindOptions
{
    public string Path { get; set; } = "";
    public List<string> Args { get; set; } = [];
    public string? WorkingDirectory { get; set; }
    public Dictionary<string, string> Env { get; set; } = new(StringComparer.Ordinal);
    public double? TimeoutSeconds { get; set; }
    /// <summary>Processes of this kind running at once on one worker; by default one per processor.</summary>
    public int? Concurrency { get; set; }

    public int ConcurrencyLimit => Concurrency ?? Environment.ProcessorCount;
}
