using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Boomerang.Server.Auth;

/// <summary>What a presented admin token amounts to.</summary>
internal enum AdminTokenCheck { Valid, Missing, Wrong, NotConfigured }

/// <summary>
/// The operator's token for admin features (<c>Boomerang:Auth:AdminToken</c>, env <c>ADMIN_TOKEN</c>). Kept only as a
/// SHA-256 digest and compared in constant time. With no token configured every admin feature stays closed: there is
/// no default token.
/// </summary>
internal sealed class AdminToken
{
    public const string Setting = "Boomerang:Auth:AdminToken";
    /// <summary>Shorter tokens are refused at start: the token opens every tenant's dashboard, metrics and search
    /// defaults, and the seed's own placeholders ("test") must not carry over. The seed refused an insecure token too,
    /// with a 500 on each admin request.</summary>
    public const int MinLength = 16;
    public static readonly string TooShortMessage =
        $"Boomerang:Auth:AdminToken (ADMIN_TOKEN) must be at least {MinLength} characters: a short token can be guessed. "
        + "Use a long random secret, e.g. `openssl rand -hex 32`, or leave it empty to keep admin features off";
    public const string NotConfiguredMessage =
        "Admin features are off: no admin token is configured. Set Boomerang:Auth:AdminToken (or the ADMIN_TOKEN "
        + "environment variable) to a long random secret, e.g. `openssl rand -hex 32`, and restart.";

    private readonly byte[]? _digest;

    public AdminToken(IOptions<AuthOptions> options)
    {
        var token = options.Value.AdminToken?.Trim();
        _digest = string.IsNullOrEmpty(token) ? null : SHA256.HashData(Encoding.UTF8.GetBytes(token));
    }

    public bool IsConfigured => _digest is not null;

    /// <summary>Checks a presented token (a header value, a sign-in form field); never throws.</summary>
    public AdminTokenCheck Check(string? presented)
    {
        if (_digest is null)
        {
            return AdminTokenCheck.NotConfigured;
        }
        if (string.IsNullOrWhiteSpace(presented))
        {
            return AdminTokenCheck.Missing;
        }
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(presented.Trim()));
        return CryptographicOperations.FixedTimeEquals(digest, _digest) ? AdminTokenCheck.Valid : AdminTokenCheck.Wrong;
    }
}
