namespace Boomerang.Client;

/// <summary>Where the Boomerang server is and how to authenticate; bound from <c>Boomerang:Client</c> by <c>AddBoomerangClient</c>.</summary>
public sealed class BoomerangClientOptions
{
    /// <summary>The configuration section <c>AddBoomerangClient</c> binds.</summary>
    public const string Section = "Boomerang:Client";

    /// <summary>The server's base address, for example <c>http://127.0.0.1:8080</c>.</summary>
    public Uri? BaseAddress { get; set; }

    /// <summary>The key sent as <c>X-API-Key</c>; it decides the tenant the jobs belong to.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Timeout of one HTTP request (default 30 s). <see cref="BoomerangClient.WaitAsync"/> is bounded by its token instead.</summary>
    public double RequestTimeoutSeconds { get; set; } = 30;

    /// <summary>The longest pause between two polls of <see cref="BoomerangClient.WaitAsync"/> (default 2 s); it starts at 100 ms and doubles.</summary>
    public double MaxWaitPollIntervalSeconds { get; set; } = 2;
}
