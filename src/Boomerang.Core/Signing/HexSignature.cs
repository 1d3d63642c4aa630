namespace Boomerang.Signing;

/// <summary>Hex-encoded MACs as received: either case, exactly 32 bytes.</summary>
internal static class HexSignature
{
    public static bool MatchesAny(IEnumerable<string> candidates, byte[][] expected)
    {
        Span<byte> received = stackalloc byte[WebhookHmac.Size];
        var matched = false;
        foreach (var candidate in candidates)
        {
            matched |= candidate.Length == WebhookHmac.Size * 2 &&
                       Convert.FromHexString(candidate, received, out _, out var written) == System.Buffers.OperationStatus.Done &&
                       written == WebhookHmac.Size &&
                       WebhookHmac.MatchesAny(received, expected);
        }

        return matched;
    }
}
