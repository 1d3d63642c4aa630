namespace Boomerang.Server.Auth;

/// <summary>Who may call: <c>Boomerang:Auth</c>.</summary>
internal sealed class AuthOptions
{
    public const string Section = "Boomerang:Auth";
    /// <summary>Keys whose tenant is the first 16 hex characters of SHA-256(key), as in the seed.</summary>
    public List<string> ApiKeys { get; set; } = [];
    /// <summary>The operator's token for admin features (env <c>ADMIN_TOKEN</c>); empty keeps them off.</summary>
    public string AdminToken { get; set; } = "";
}
