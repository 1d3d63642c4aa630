using System.Security.Cryptography;
using System.Text;

namespace Boomerang.Signing;

/// <summary>HMAC-SHA256 over a text prefix followed by the body, without copying the body.</summary>
internal static class WebhookHmac
{
    public const int Size = 32;

    public static byte[] Compute(WebhookSecret secret, string prefix, ReadOnlySpan<byte> body)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, secret.Key);
        hmac.AppendData(Encoding.UTF8.GetBytes(prefix));
        hmac.AppendData(body);
        return hmac.GetHashAndReset();
    }

    /// <summary>Throws unless there is at least one secret and none is null; a receiver with no secrets is misconfigured.</summary>
    public static void EnsureSecrets(IReadOnlyList<WebhookSecret> secrets)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        if (secrets.Count == 0 || secrets.Any(s => s is null))
        {
            throw new ArgumentException("At least one secret is needed, and none may be null.", nameof(secrets));
        }
    }

    public static byte[][] ComputeAll(IReadOnlyList<WebhookSecret> secrets, string prefix, ReadOnlySpan<byte> body)
    {
        EnsureSecrets(secrets);
        var macs = new byte[secrets.Count][];
        for (var i = 0; i < macs.Length; i++)
        {
            macs[i] = Compute(secrets[i], prefix, body);
        }

        return macs;
    }

    /// <summary>Constant-time comparison of a received MAC against each expected one.</summary>
    public static bool MatchesAny(ReadOnlySpan<byte> received, byte[][] expected)
    {
        var match = false;
        foreach (var mac in expected)
        {
            match |= CryptographicOperations.FixedTimeEquals(received, mac);
        }

        return match;
    }
}
