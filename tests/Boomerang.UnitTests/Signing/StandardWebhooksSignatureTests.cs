using System.Security.Cryptography;
using System.Text;
using Boomerang.Signing;

namespace Boomerang.UnitTests.Signing;

public sealed class StandardWebhooksSignatureTests
{
    private const string MsgId = "msg_2Zf1";
    private const long T = 1_700_000_000;
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(T);
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("{\"job_id\":\"j1\",\"status\":\"completed\"}");
    private static readonly WebhookSecret Old = WebhookSecret.Parse("whsec_" + Convert.ToBase64String(Encoding.UTF8.GetBytes("old-key-0123456789abcdef")));
    private static readonly WebhookSecret New = WebhookSecret.Parse("new-plain-secret");

    [Fact]
    public void Signature_is_v1_base64_hmac_of_id_timestamp_and_body_computed_independently()
    {
        var expected = HMACSHA256.HashData(Old.Key, Encoding.UTF8.GetBytes($"{MsgId}.{T}.").Concat(Body).ToArray());

        Assert.Equal("v1," + Convert.ToBase64String(expected), StandardWebhooksSignature.Sign(MsgId, T, Body, [Old]));
    }

    [Fact]
    public void During_rotation_one_entry_per_secret_is_sent_and_either_secret_alone_verifies()
    {
        var header = StandardWebhooksSignature.Sign(MsgId, T, Body, [New, Old]);

        Assert.Equal(2, header.Split(' ').Length);
        Assert.Equal(SignatureCheck.Valid, Verify(header, [Old]));
        Assert.Equal(SignatureCheck.Valid, Verify(header, [New]));
    }

    [Fact]
    public void Receiver_holding_several_secrets_accepts_a_message_signed_with_any_one()
    {
        var header = StandardWebhooksSignature.Sign(MsgId, T, Body, [Old]);

        Assert.Equal(SignatureCheck.Valid, Verify(header, [New, Old]));
        Assert.Equal(SignatureCheck.Invalid, Verify(header, [New]));
    }

    [Fact]
    public void Signature_made_with_another_key_is_invalid()
    {
        var forged = StandardWebhooksSignature.Sign(MsgId, T, Body, [WebhookSecret.Parse("attacker")]);

        Assert.Equal(SignatureCheck.Invalid, Verify(forged, [Old]));
    }

    [Fact]
    public void Tampered_body_or_message_id_is_invalid()
    {
        var header = StandardWebhooksSignature.Sign(MsgId, T, Body, [Old]);
        byte[] tampered = [.. Body[..^1], (byte)' ', Body[^1]];

        Assert.Equal(SignatureCheck.Invalid, StandardWebhooksSignature.Verify(MsgId, $"{T}", header, tampered, [Old], Now));
        Assert.Equal(SignatureCheck.Invalid, StandardWebhooksSignature.Verify("msg_other", $"{T}", header, Body, [Old], Now));
    }

    [Fact]
    public void Replayed_message_is_expired_but_a_stale_forgery_is_just_invalid()
    {
        var header = StandardWebhooksSignature.Sign(MsgId, T, Body, [Old]);
        var later = Now.AddMinutes(10);

        Assert.Equal(SignatureCheck.Expired, StandardWebhooksSignature.Verify(MsgId, $"{T}", header, Body, [Old], later));
        Assert.Equal(SignatureCheck.Invalid, StandardWebhooksSignature.Verify(MsgId, $"{T}", header, Body, [New], later));
    }

    [Fact]
    public void Custom_tolerance_widens_the_window()
    {
        var header = StandardWebhooksSignature.Sign(MsgId, T, Body, [Old]);

        var check = StandardWebhooksSignature.Verify(MsgId, $"{T}", header, Body, [Old], Now.AddMinutes(10), TimeSpan.FromMinutes(15));

        Assert.Equal(SignatureCheck.Valid, check);
    }

    [Theory]
    [InlineData(null, "1700000000", "v1,x")]
    [InlineData("msg", null, "v1,x")]
    [InlineData("msg", "1700000000", null)]
    [InlineData("", "1700000000", "v1,x")]
    [InlineData("msg", "1700000000", "  ")]
    public void Absent_or_empty_header_is_missing(string? id, string? timestamp, string? signature)
    {
        Assert.Equal(SignatureCheck.Missing, StandardWebhooksSignature.Verify(id, timestamp, signature, Body, [Old], Now));
    }

    [Fact]
    public void Extra_spaces_between_entries_are_tolerated()
    {
        var header = StandardWebhooksSignature.Sign(MsgId, T, Body, [Old]);

        Assert.Equal(SignatureCheck.Valid, Verify($"  v1,AAAA   {header}  ", [Old]));
    }

    [Fact]
    public void Misuse_is_refused_loudly()
    {
        Assert.Throws<ArgumentException>(() => StandardWebhooksSignature.Sign(MsgId, T, Body, []));
        Assert.Throws<ArgumentException>(() => StandardWebhooksSignature.Sign("", T, Body, [Old]));
        Assert.Throws<ArgumentException>(() => StandardWebhooksSignature.Verify(MsgId, $"{T}", "v1,x", Body, [], Now));
        Assert.Throws<ArgumentOutOfRangeException>(() => StandardWebhooksSignature.Verify(MsgId, $"{T}", "v1,x", Body, [Old], Now, TimeSpan.FromSeconds(-1)));
    }

    private static SignatureCheck Verify(string header, WebhookSecret[] secrets) =>
        StandardWebhooksSignature.Verify(MsgId, $"{T}", header, Body, secrets, Now);
}
