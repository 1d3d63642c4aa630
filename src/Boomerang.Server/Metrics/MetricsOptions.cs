namespace Boomerang.Server.Metrics;

/// <summary><c>Boomerang:Metrics</c>: who may read <c>/metrics</c>.</summary>
internal sealed class MetricsOptions
{
    public const string Section = "Boomerang:Metrics";

    /// <summary>False (default): <c>/metrics</c> needs the admin token in <c>X-Admin-Token</c> (or <c>Authorization: Bearer</c>). True: open to anyone who can reach the port.</summary>
    public bool Public { get; set; }
}
