namespace Boomerang.Signing;

/// <summary>
/// The Dedup2D scheme: <c>X-Dedup-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex&gt;</c>, the lower-case hex
/// HMAC-SHA256 of <c>&lt;t&gt;.&lt;job id&gt;.&lt;body&gt;</c>, with <c>X-Dedup-Signature-Version: v1</c>.
/// </summary>
public static class DedupSignature
{
    /// <summary>The signature header.</summary>
    public const string SignatureHeader = "X-Dedup-Signature";

    /// <summary>The version header; its value is <see cref="Version"/>.</summary>
    public const string VersionHeader = "X-Dedup-Signature-Version";

    /// <summary>The job id header; the id is part of what is signed.</summary>
    public const string JobIdHeader = "X-Dedup-Job-Id";

    /// <summary>The only version there is.</summary>
    public const string Version = "v1";

    /// <summary>The <c>X-Dedup-Signature</c> value: <c>t=&lt;timestamp&gt;,v1=&lt;lower-case hex&gt;</c>.</summary>
    public static string Sign(string jobId, long timestamp, ReadOnlySpan<byte> body, WebhookSecret secret)
    {
        ArgumentException.ThrowIfNullOrEmpty(jobId);
        ArgumentNullException.ThrowIfNull(secret);
        var t = SignatureTimestamp.Format(timestamp);
        return $"t={t},v1={Convert.ToHexStringLower(WebhookHmac.Compute(secret, SignedPrefix(t, jobId), body))}";
    }

    /// <summary>
    /// Verifies <c>X-Dedup-Signature</c> (comma-separated <c>k=v</c> pairs, spaces tolerated, unknown keys
    /// ignored, any <c>v1</c> may match) for the job id from <c>X-Dedup-Job-Id</c> and the raw body.
    /// <paramref name="tolerance"/> defaults to 5 minutes either way.
    /// </summary>
    public static SignatureCheck Verify(
        string? signatureHeader,
        string? jobId,
        ReadOnlySpan<byte> body,
        IReadOnlyList<WebhookSecret> secrets,
        DateTimeOffset now,
        TimeSpan? tolerance = null)
    {
        WebhookHmac.EnsureSecrets(secrets);
        var window = SignatureTimestamp.Window(tolerance);
        if (string.IsNullOrWhiteSpace(signatureHeader) || string.IsNullOrEmpty(jobId))
        {
            return SignatureCheck.Missing;
        }

        string? t = null;
        var candidates = new List<string>();
        foreach (var pair in signatureHeader.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                return SignatureCheck.Invalid;
            }

            var (key, value) = (pair[..equals].Trim(), pair[(equals + 1)..].Trim());
            if (key == "t")
            {
                if (t is not null)
                {
                    return SignatureCheck.Invalid;
                }

                t = value;
            }
            else if (key == Version)
            {
                candidates.Add(value);
            }
        }

        if (!SignatureTimestamp.TryParse(t, out var timestamp) || candidates.Count == 0)
        {
            return SignatureCheck.Invalid;
        }

        var expected = WebhookHmac.ComputeAll(secrets, SignedPrefix(SignatureTimestamp.Format(timestamp), jobId), body);
        return HexSignature.MatchesAny(candidates, expected)
            ? SignatureTimestamp.Judge(timestamp, now, window)
            : SignatureCheck.Invalid;
    }

    private static string SignedPrefix(string t, string jobId) => $"{t}.{jobId}.";
}
