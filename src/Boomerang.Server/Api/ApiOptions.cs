namespace Boomerang.Server.Api;

/// <summary>Limits of the jobs API: <c>Boomerang:Api</c>.</summary>
internal sealed class ApiOptions
{
    public const string Section = "Boomerang:Api";
    public long MaxBodyBytes { get; set; } = 8 * 1024 * 1024;
    public int MaxBatchSize { get; set; } = 1000;
}
