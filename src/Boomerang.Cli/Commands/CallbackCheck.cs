using System.Text.Json;
using Boomerang.Signing;

namespace Boomerang.Cli.Commands;

/// <summary>One callback as received, and what its signature check said: the shape <c>listen --json</c> and <c>verify --json</c> print.</summary>
internal sealed record CallbackReport(
    string ReceivedAt,
    string Method,
    string Path,
    string Signature,
    string Scheme,
    string? Event,
    string? JobId,
    string? Status,
    IReadOnlyDictionary<string, string> Headers,
    JsonElement? Body,
    string? BodyText,
    int? ForwardedStatus = null,
    string? ForwardError = null);

/// <summary>Checks a request's signature with Core's <see cref="WebhookVerifier"/> (all three schemes) and builds the report.</summary>
internal static class CallbackCheck
{
    public static IReadOnlyList<WebhookSecret> ParseSecrets(IEnumerable<string>? values)
    {
        var secrets = new List<WebhookSecret>();
        foreach (var value in values ?? [])
        {
            try
            {
                secrets.Add(WebhookSecret.Parse(value));
            }
            catch (ArgumentException e)
            {
                // The message names the problem, never the secret.
                throw new CliError($"--secret: {e.Message}");
            }
        }
        return secrets;
    }

    public static CallbackReport Check(string method, string path, IReadOnlyDictionary<string, string> headers, byte[] body,
        IReadOnlyList<WebhookSecret> secrets, DateTimeOffset now, TimeSpan tolerance)
    {
        string signature, scheme;
        if (secrets.Count == 0)
        {
            (signature, scheme) = ("not checked (no --secret)", "none");
        }
        else
        {
            var result = WebhookVerifier.Verify(name => headers.TryGetValue(name, out var v) ? v : null, body, secrets, now, tolerance);
            (signature, scheme) = (Name(result.Result), SchemeName(result.Scheme));
        }
        JsonElement? json = null;
        string? text = null;
        try
        {
            using var doc = JsonDocument.Parse(body);
            json = doc.RootElement.Clone();
        }
        catch (JsonException)
        {
            text = System.Text.Encoding.UTF8.GetString(body);
        }
        return new CallbackReport(now.UtcDateTime.ToString("O"), method, path, signature, scheme,
            Field(json, "event"), Field(json, "job_id"), Field(json, "status"), headers, json, text);
    }

    public static bool IsValid(CallbackReport report) => report.Signature == "valid";

    public static string Name(SignatureCheck check) => check switch
    {
        SignatureCheck.Valid => "valid",
        SignatureCheck.Missing => "missing",
        SignatureCheck.Invalid => "invalid",
        SignatureCheck.Expired => "expired",
        SignatureCheck.FutureDated => "future-dated",
        _ => check.ToString(),
    };

    private static string SchemeName(SignatureScheme scheme) => scheme switch
    {
        SignatureScheme.StandardWebhooks => "standard-webhooks",
        SignatureScheme.Dedup => "x-dedup-signature",
        SignatureScheme.ContentHub => "x-webhook-signature",
        _ => "none",
    };

    private static string? Field(JsonElement? json, string name) =>
        json is { ValueKind: JsonValueKind.Object } o && o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
