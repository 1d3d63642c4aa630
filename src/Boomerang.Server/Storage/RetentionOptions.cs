namespace Boomerang.Server.Storage;

/// <summary>How long finished jobs are kept (<c>Boomerang:Retention</c>).</summary>
internal sealed class RetentionOptions
{
    public const string Section = "Boomerang:Retention";

    /// <summary>Finished jobs, their deliveries and attempts are deleted this long after they finished (seed alias
    /// <c>DEDUP2D_ASYNC_TTL_SECONDS</c>, in seconds). A job whose callback is still being delivered is kept.</summary>
    public double FinishedJobsDays { get; set; } = 7;

    /// <summary>How often a node that runs background loops sweeps.</summary>
    public double SweepIntervalSeconds { get; set; } = 60;

    /// <summary>Jobs deleted per transaction: small, so the sweep never holds the writer (SQLite) or many row locks.</summary>
    public int BatchSize { get; set; } = 500;

    public TimeSpan KeepFor => TimeSpan.FromDays(FinishedJobsDays);
}
