using System.Security.Cryptography;
using System.Text;

namespace Boomerang.Server.Auth;

/// <summary>A key that matched: its tenant, and an id for the key that reveals nothing about it (for rate limits).</summary>
internal sealed record ApiKeyMatch(string Tenant, string KeyId);

/// <summary>The configured API keys, kept only as SHA-256 digests, and the tenant each one stands for.</summary>
internal sealed class ApiKeyRing
{
    private readonly (byte[] Digest, ApiKeyMatch Match)[] _keys;

    /// <summary>Keys whose tenant is derived from the key (the seed's rule).</summary>
    public ApiKeyRing(IEnumerable<string> keys) : this(keys.Select(k => (k, TenantOf(k)))) { }

    /// <summary>Keys with the tenant each acts for.</summary>
    public ApiKeyRing(IEnumerable<(string Key, string Tenant)> keys) =>
        _keys = keys.Select(k => (Key: k.Key.Trim(), k.Tenant)).DistinctBy(k => k.Key, StringComparer.Ordinal)
            .Select(k =>
            {
                var digest = SHA256.HashData(Encoding.UTF8.GetBytes(k.Key));
                return (digest, new ApiKeyMatch(k.Tenant, Convert.ToHexStringLower(SHA256.HashData(digest))[..16]));
            }).ToArray();

    public int Count => _keys.Length;

    /// <summary>tenant_id = the first 16 lower-case hex characters of SHA-256(key), as in the seed.</summary>
    public static string TenantOf(string key) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key.Trim())))[..16];

    /// <summary>The named tenants' keys (tenant_id = name) and the plain keys (tenant_id from the key).</summary>
    public static ApiKeyRing From(AuthOptions options) => new(
        options.ApiKeys.Select(k => (k, TenantOf(k)))
            .Concat(options.Tenants.SelectMany(t => t.Value.Keys.Select(k => (k, t.Key)))));

    public string? FindTenant(string candidate) => Find(candidate)?.Tenant;

    /// <summary>Compares the candidate with every key in constant time, so timing says nothing about which matched.</summary>
    public ApiKeyMatch? Find(string candidate)
    {
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(candidate.Trim()));
        ApiKeyMatch? match = null;
        foreach (var (key, keyMatch) in _keys)
        {
            if (CryptographicOperations.FixedTimeEquals(digest, key))
            {
                match = keyMatch;
            }
        }
        return match;
    }
}
