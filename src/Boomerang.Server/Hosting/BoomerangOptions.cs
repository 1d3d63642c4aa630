namespace Boomerang.Server.Hosting;

internal sealed class AuthOptions
{
    public const string Section = "Boomerang:Auth";
    public List<string> ApiKeys { get; set; } = [];
    /// <summary>The operator's token for admin features (env <c>ADMIN_TOKEN</c>); empty keeps them off.</summary>
    public string AdminToken { get; set; } = "";
}

internal sealed class ApiOptions
{
    public const string Section = "Boomerang:Api";
    public long MaxBodyBytes { get; set; } = 8 * 1024 * 1024;
    public int MaxBatchSize { get; set; } = 1000;
}
