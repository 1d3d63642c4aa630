namespace Boomerang.Server.Auth;

/// <summary>Who may call: <c>Boomerang:Auth</c>.</summary>
internal sealed class AuthOptions
{
    public const string Section = "Boomerang:Auth";
    /// <summary>Keys whose tenant is the first 16 hex characters of SHA-256(key), as in the seed.</summary>
    public List<string> ApiKeys { get; set; } = [];
    /// <summary>Named tenants (<c>Tenants:&lt;name&gt;:Keys</c>): tenant_id is the name, so keys can be rotated.</summary>
    public Dictionary<string, NamedTenantOptions> Tenants { get; set; } = new(StringComparer.Ordinal);
    /// <summary>The operator's token for admin features (env <c>ADMIN_TOKEN</c>); empty keeps them off.</summary>
    public string AdminToken { get; set; } = "";
    public RateLimitOptions RateLimit { get; set; } = new();

    public bool HasKeys => ApiKeys.Count > 0 || Tenants.Values.Any(t => t.Keys.Count > 0);
}

/// <summary>One named tenant: every key listed acts for it.</summary>
internal sealed class NamedTenantOptions
{
    public List<string> Keys { get; set; } = [];
}

/// <summary>Per API key request rate (token bucket); off while <see cref="RequestsPerSecond"/> is 0.</summary>
internal sealed class RateLimitOptions
{
    public int RequestsPerSecond { get; set; }
    /// <summary>Requests a key may make at once after being idle; 0 means twice <see cref="RequestsPerSecond"/>.</summary>
    public int Burst { get; set; }

    public bool Enabled => RequestsPerSecond > 0;
    public int TokenLimit => Burst > 0 ? Burst : 2 * RequestsPerSecond;
}
