namespace Boomerang.Server.Dedup2D;

/// <summary>Settings of the Dedup2D API (<c>Boomerang:Dedup2D</c>); the seed's environment names map onto them (SeedAliases).</summary>
internal sealed class Dedup2DOptions
{
    public const string Section = "Boomerang:Dedup2D";

    /// <summary>builtin or dedupcad-vision; empty picks dedupcad-vision when <see cref="VisionUrl"/> is set, else builtin.</summary>
    public string Engine { get; set; } = "";
    /// <summary>Base URL of a dedupcad-vision service (env <c>DEDUPCAD_VISION_URL</c>).</summary>
    public string VisionUrl { get; set; } = "";
    public VisionClientOptions Vision { get; set; } = new();
    /// <summary>Uploads bigger than this go async (<c>DEDUP2D_FORCED_ASYNC_FILE_SIZE_BYTES</c>); 0 or less disables.</summary>
    public long ForcedAsyncFileSizeBytes { get; set; } = 5 * 1024 * 1024;
    public bool ForcedAsyncOnPrecision { get; set; } = true;
    public bool ForcedAsyncOnModePrecise { get; set; } = true;
    /// <summary>Largest multipart body the upload routes accept; larger gets 413.</summary>
    public long MaxUploadBytes { get; set; } = 50 * 1024 * 1024;
    /// <summary>Where async uploads wait for their job (<c>DEDUP2D_FILE_STORAGE_DIR</c>).</summary>
    public string UploadDir { get; set; } = "data/dedup2d_uploads";
    /// <summary>Orphaned uploads older than this are deleted by the sweep (<c>DEDUP2D_FILE_STORAGE_RETENTION_SECONDS</c>); 0 disables it.</summary>
    public double UploadRetentionSeconds { get; set; } = 3600;
    /// <summary>Overrides of the scorer's section weights (<c>DEDUPCAD2_W_*</c>): entities, layers, dimensions, text, blocks.</summary>
    public Dictionary<string, double> SectionWeights { get; set; } = new(StringComparer.OrdinalIgnoreCase);
    /// <summary>Use entity geometry-hash matching in the strict profile too (<c>CAD_ML_PLATFORM_L4_ENTITIES_GEOM_HASH</c>).</summary>
    public bool StrictEntitiesGeomHash { get; set; }

    public string EffectiveEngine => Engine.Trim().ToLowerInvariant() is { Length: > 0 } e ? e
        : string.IsNullOrWhiteSpace(VisionUrl) ? "builtin" : "dedupcad-vision";
}

/// <summary>The dedupcad-vision client's timeouts, retries and per-endpoint circuit breaker (env <c>DEDUPCAD_VISION_*</c>).</summary>
internal sealed class VisionClientOptions
{
    public double TimeoutSeconds { get; set; } = 60;
    public int RetryMaxAttempts { get; set; } = 2;
    public double RetryBaseDelaySeconds { get; set; } = 0.5;
    public double RetryMaxDelaySeconds { get; set; } = 5;
    public bool CircuitEnabled { get; set; } = true;
    public int CircuitFailureThreshold { get; set; } = 5;
    public double CircuitRecoveryTimeoutSeconds { get; set; } = 30;
}
