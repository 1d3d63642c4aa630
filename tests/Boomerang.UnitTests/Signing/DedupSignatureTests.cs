using System.Security.Cryptography;
using System.Text;
using Boomerang.Signing;

namespace Boomerang.UnitTests.Signing;

public sealed class DedupSignatureTests
{
    private const string JobId = "0b9c7e3a-job";
    private const long T = 1_734_567_890;
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(T);
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("{\"error\":null,\"job_id\":\"0b9c7e3a-job\",\"status\":\"completed\",\"tenant_id\":\"t1\"}");
    private static readonly WebhookSecret Secret = WebhookSecret.Parse("dedup-secret");
    private static readonly WebhookSecret Next = WebhookSecret.Parse("dedup-secret-2");

    // Recomputed here as the Python receiver does: hmac.new(secret.encode(), f"{t}.{job_id}.".encode() + body, sha256).hexdigest()
    private static string Expected(string secret, long t, string jobId, byte[] body) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{t}.{jobId}.").Concat(body).ToArray()));

    [Fact]
    public void Header_is_t_and_lower_case_hex_hmac_of_timestamp_job_id_and_body()
    {
        Assert.Equal($"t={T},v1={Expected("dedup-secret", T, JobId, Body)}", DedupSignature.Sign(JobId, T, Body, Secret));
    }

    [Fact]
    public void Header_starts_with_the_timestamp_as_in_the_original_test()
    {
        Assert.StartsWith("t=123,v1=", DedupSignature.Sign("job", 123, Body, Secret), StringComparison.Ordinal);
    }

    [Fact]
    public void Header_names_are_those_of_the_original_service()
    {
        Assert.Equal(("X-Dedup-Signature", "X-Dedup-Signature-Version", "v1", "X-Dedup-Job-Id"),
            (DedupSignature.SignatureHeader, DedupSignature.VersionHeader, DedupSignature.Version, DedupSignature.JobIdHeader));
    }

    [Theory]
    [InlineData("t={0},v1={1}")]
    [InlineData("t = {0} , v1 = {1} ")]
    [InlineData("v1={1},t={0}")]
    [InlineData("t={0},v0=abc,v1={1},x=y")]
    [InlineData("t={0},v1={2},v1={1}")]
    [InlineData("t={0},v1={3}")]
    public void Header_verifies_in_any_tolerated_layout(string layout)
    {
        var hex = Expected("dedup-secret", T, JobId, Body);
        var header = string.Format(System.Globalization.CultureInfo.InvariantCulture, layout, T, hex, new string('0', 64), hex.ToUpperInvariant());

        Assert.Equal(SignatureCheck.Valid, DedupSignature.Verify(header, JobId, Body, [Secret], Now));
    }

    [Fact]
    public void Forged_signature_is_invalid()
    {
        var forged = $"t={T},v1={Expected("guessed", T, JobId, Body)}";

        Assert.Equal(SignatureCheck.Invalid, DedupSignature.Verify(forged, JobId, Body, [Secret], Now));
    }

    [Fact]
    public void Tampered_body_job_id_or_timestamp_is_invalid()
    {
        var header = DedupSignature.Sign(JobId, T, Body, Secret);
        var tampered = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(Body).Replace("completed", "failed", StringComparison.Ordinal));

        Assert.Equal(SignatureCheck.Invalid, DedupSignature.Verify(header, JobId, tampered, [Secret], Now));
        Assert.Equal(SignatureCheck.Invalid, DedupSignature.Verify(header, "other-job", Body, [Secret], Now));
        Assert.Equal(SignatureCheck.Invalid, DedupSignature.Verify(header.Replace($"t={T}", $"t={T + 1}", StringComparison.Ordinal), JobId, Body, [Secret], Now));
    }

    [Fact]
    public void Replayed_header_is_expired_and_one_from_the_future_is_future_dated()
    {
        var header = DedupSignature.Sign(JobId, T, Body, Secret);

        Assert.Equal(SignatureCheck.Valid, DedupSignature.Verify(header, JobId, Body, [Secret], Now.AddSeconds(300)));
        Assert.Equal(SignatureCheck.Expired, DedupSignature.Verify(header, JobId, Body, [Secret], Now.AddSeconds(301)));
        Assert.Equal(SignatureCheck.FutureDated, DedupSignature.Verify(header, JobId, Body, [Secret], Now.AddSeconds(-301)));
        Assert.Equal(SignatureCheck.Valid, DedupSignature.Verify(header, JobId, Body, [Secret], Now.AddHours(1), TimeSpan.FromHours(2)));
    }

    [Fact]
    public void Rotation_accepts_either_secret_and_rejects_a_retired_one()
    {
        var header = DedupSignature.Sign(JobId, T, Body, Secret);

        Assert.Equal(SignatureCheck.Valid, DedupSignature.Verify(header, JobId, Body, [Next, Secret], Now));
        Assert.Equal(SignatureCheck.Invalid, DedupSignature.Verify(header, JobId, Body, [Next], Now));
    }

    [Theory]
    [InlineData(null, JobId)]
    [InlineData(" ", JobId)]
    [InlineData("t=1,v1=00", null)]
    [InlineData("t=1,v1=00", "")]
    public void Absent_header_or_job_id_is_missing(string? header, string? jobId)
    {
        Assert.Equal(SignatureCheck.Missing, DedupSignature.Verify(header, jobId, Body, [Secret], Now));
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("v1={1}")]
    [InlineData("t={0}")]
    [InlineData("t=abc,v1={1}")]
    [InlineData("t=-{0},v1={1}")]
    [InlineData("t={0},t={0},v1={1}")]
    [InlineData("t={0},v1={1}00")]
    [InlineData("t={0},v1=sha256={1}")]
    [InlineData("t={0},=x,v1={1}")]
    public void Malformed_header_is_invalid(string layout)
    {
        var header = string.Format(System.Globalization.CultureInfo.InvariantCulture, layout, T, Expected("dedup-secret", T, JobId, Body));

        Assert.Equal(SignatureCheck.Invalid, DedupSignature.Verify(header, JobId, Body, [Secret], Now));
    }

    [Fact]
    public void Plain_secret_and_its_whsec_equivalent_sign_alike()
    {
        var equivalent = WebhookSecret.Parse(Secret.ToStandardWebhooksSecret());

        Assert.Equal(DedupSignature.Sign(JobId, T, Body, Secret), DedupSignature.Sign(JobId, T, Body, equivalent));
    }
}
