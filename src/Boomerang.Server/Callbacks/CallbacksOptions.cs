namespace Boomerang.Server.Callbacks;

internal sealed class CallbacksOptions
{
    public const string Section = "Boomerang:Callbacks";

    public bool Enabled { get; set; } = true;
    public bool AllowHttp { get; set; }
    public bool BlockPrivateNetworks { get; set; } = true;
    public bool ResolveDns { get; set; }
    public List<string> Allowlist { get; set; } = [];
    public List<string> AllowedNetworks { get; set; } = [];
    public List<string> SigningSecrets { get; set; } = [];

    public double TimeoutSeconds { get; set; } = 10;
    // 20 attempts, 5 s doubling to a 3 h cap, ±10 % jitter: about 26.7 h from first to last attempt.
    public int MaxAttempts { get; set; } = 20;
    public double BackoffBaseSeconds { get; set; } = 5;
    public double BackoffMaxSeconds { get; set; } = 3 * 3600;
    public double RetryAfterMaxSeconds { get; set; } = 3 * 3600;

    // Sized for throughput to a fast receiver (a callback's time is mostly waiting on the network); a slow or failing
    // receiver is paced by its answers, its 429/Retry-After and the circuit breaker.
    public int Concurrency { get; set; } = 256;
    public int PerHostConcurrency { get; set; } = 64;
    public int CircuitFailureThreshold { get; set; } = 5;
    public double CircuitOpenSeconds { get; set; } = 30;
    public double PollIntervalSeconds { get; set; } = 1;
    /// <summary>How much of a receiver's response is read at most; the first 1 KiB is kept in the attempt log.</summary>
    public int MaxResponseBytes { get; set; } = 64 * 1024;

    public TimeSpan Timeout => TimeSpan.FromSeconds(TimeoutSeconds);
}

/// <summary>Settings for one tenant, under <c>Boomerang:Tenants:&lt;tenant_id&gt;</c>.</summary>
internal sealed class TenantSettings
{
    public List<string> SigningSecrets { get; set; } = [];
}
