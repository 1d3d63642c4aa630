using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Boomerang.Jobs;

namespace Boomerang.IntegrationTests.Infrastructure;

/// <summary>The three ways a callback can be signed.</summary>
public enum Scheme { StandardWebhooks, Dedup, ContentHub }

/// <summary>
/// Builds callback requests the way senders do, computing signatures here with <see cref="HMACSHA256"/> (not with
/// the library under test), so a mistake in the library cannot hide in the tests.
/// </summary>
public static class CallbackRequests
{
    public static string PathFor(string taskId) => $"/api/v1/content/callback/{taskId}";

    /// <summary>Boomerang's payload, written by the server's own serializer.</summary>
    public static byte[] BoomerangBody(string jobId, string @event, string status, int progress = 100, string? resultJson = """{"ok":true}""", string? error = null) =>
        CallbackEvent.Serialize(@event, jobId, "tenant-a", "echo", status, progress, 1.0, 2.0, resultJson, error);

    /// <summary>ContentHub's payload.</summary>
    public static byte[] ContentHubBody(string taskId, string @event, int? progress = null) => Encoding.UTF8.GetBytes(@event switch
    {
        "completed" => $$"""{"event":"completed","taskId":"{{taskId}}","status":"completed","result":{"title":"T"},"error":null}""",
        "failed" => $$"""{"event":"failed","taskId":"{{taskId}}","status":"failed","result":null,"error":"boom"}""",
        _ => $$"""{"event":"{{@event}}","taskId":"{{taskId}}","status":"running","progress":{{progress ?? 0}}}""",
    });

    /// <summary>The body a scheme's sender would send for the completion of the task's job.</summary>
    public static byte[] CompletedBody(Scheme scheme, string taskId, string jobId) => scheme == Scheme.ContentHub
        ? ContentHubBody(taskId, "completed")
        : BoomerangBody(jobId, CallbackEvent.Completed, JobStatus.Completed);

    /// <summary>Signature headers for <paramref name="body"/>; <paramref name="secret"/> defaults to one the receiver knows.</summary>
    public static Dictionary<string, string> Sign(Scheme scheme, byte[] body, string jobId, DateTimeOffset? at = null, string? secret = null, string? webhookId = null)
    {
        var t = (at ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        switch (scheme)
        {
            case Scheme.StandardWebhooks:
                var id = webhookId ?? "msg_" + Guid.NewGuid().ToString("N");
                var key = KeyOf(secret ?? ReceiverApp.StandardSecret);
                return new()
                {
                    ["webhook-id"] = id,
                    ["webhook-timestamp"] = t,
                    ["webhook-signature"] = "v1," + Convert.ToBase64String(Hmac(key, $"{id}.{t}.", body)),
                };
            case Scheme.Dedup:
                var dedupKey = KeyOf(secret ?? ReceiverApp.PlainSecret);
                return new()
                {
                    ["X-Dedup-Job-Id"] = jobId,
                    ["X-Dedup-Signature"] = $"t={t},v1={Convert.ToHexStringLower(Hmac(dedupKey, $"{t}.{jobId}.", body))}",
                    ["X-Dedup-Signature-Version"] = "v1",
                };
            default:
                return new() { ["X-Webhook-Signature"] = "sha256=" + Convert.ToHexStringLower(Hmac(KeyOf(secret ?? ReceiverApp.PlainSecret), "", body)) };
        }
    }

    public static async Task<HttpResponseMessage> PostAsync(this HttpClient client, string taskId, byte[] body, IReadOnlyDictionary<string, string>? headers = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, PathFor(taskId)) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        return await client.SendAsync(request);
    }

    private static byte[] KeyOf(string secret) => secret.StartsWith("whsec_", StringComparison.Ordinal)
        ? Convert.FromBase64String(secret["whsec_".Length..])
        : Encoding.UTF8.GetBytes(secret);

    private static byte[] Hmac(byte[] key, string prefix, byte[] body) =>
        HMACSHA256.HashData(key, (byte[])[.. Encoding.UTF8.GetBytes(prefix), .. body]);
}
