using System.Security.Cryptography;
using System.Text;

namespace Boomerang.Server.Auth;

/// <summary>The configured API keys, kept only as SHA-256 digests, and the tenant each one stands for.</summary>
internal sealed class ApiKeyRing
{
    private readonly (byte[] Digest, string Tenant)[] _keys;

    public ApiKeyRing(IEnumerable<string> keys) =>
        _keys = keys.Select(k => k.Trim()).Distinct(StringComparer.Ordinal)
            .Select(k => (SHA256.HashData(Encoding.UTF8.GetBytes(k)), TenantOf(k))).ToArray();

    public int Count => _keys.Length;

    /// <summary>tenant_id = the first 16 lower-case hex characters of SHA-256(key), as in the seed.</summary>
    public static string TenantOf(string key) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key.Trim())))[..16];

    /// <summary>Compares the candidate with every key in constant time, so timing says nothing about which matched.</summary>
    public string? FindTenant(string candidate)
    {
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(candidate.Trim()));
        string? tenant = null;
        foreach (var (key, keyTenant) in _keys)
        {
            if (CryptographicOperations.FixedTimeEquals(digest, key))
            {
                tenant = keyTenant;
            }
        }
        return tenant;
    }
}
