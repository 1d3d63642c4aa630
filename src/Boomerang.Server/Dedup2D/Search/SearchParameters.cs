namespace Boomerang.Server.Dedup2D.Search;

/// <summary>The effective parameters of one search (reference §3.8, after presets and tenant config §5).</summary>
internal sealed record SearchParameters
{
    public string Mode { get; init; } = "balanced";
    public int MaxResults { get; init; } = 50;
    public bool ComputeDiff { get; init; } = true;
    public bool EnableMl { get; init; }
    public bool EnableGeometric { get; init; }
    public bool EnablePrecision { get; init; } = true;
    public string? PrecisionProfile { get; init; }
    public string? VersionGate { get; init; }
    public int PrecisionTopN { get; init; } = 20;
    public double PrecisionVisualWeight { get; init; } = 0.3;
    public double PrecisionGeomWeight { get; init; } = 0.7;
    public bool PrecisionComputeDiff { get; init; }
    public int PrecisionDiffTopN { get; init; } = 5;
    public int PrecisionDiffMaxPaths { get; init; } = 200;
    public double DuplicateThreshold { get; init; } = 0.95;
    public double SimilarThreshold { get; init; } = 0.80;
}
