namespace Boomerang.Server.Jobs;

internal sealed class JobsOptions
{
    public const string Section = "Boomerang:Jobs";
    public int Concurrency { get; set; } = 16;
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
}
