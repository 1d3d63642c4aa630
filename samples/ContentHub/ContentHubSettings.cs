using Boomerang.Receiver;
using Boomerang.Receiver.Tasks;

namespace ContentHub;

/// <summary>
/// The seed's settings, read by their own names (environment variables or any other configuration source) and
/// checked at start, so a bad value stops the app with a message that names it.
/// </summary>
public sealed record ContentHubSettings(
    bool WebhookEnabled,
    IReadOnlyList<string> WebhookSecrets,
    bool RequireSignature,
    double WebhookTimeoutSeconds,
    string? CallbackBaseUrl,
    Uri BoomerangUrl,
    string BoomerangApiKey,
    string JobKind,
    double PollAfterSeconds,
    string DatabasePath)
{
    public static ContentHubSettings Read(IConfiguration c)
    {
        var enabled = Bool(c, "WEBHOOK_ENABLED", false);
        var baseUrl = Text(c, "WEBHOOK_CALLBACK_BASE_URL");
        if (enabled && !Uri.TryCreate(baseUrl, UriKind.Absolute, out _))
        {
            throw new ContentHubSettingsException("WEBHOOK_CALLBACK_BASE_URL must be an absolute URL when WEBHOOK_ENABLED is on");
        }
        var secrets = (Text(c, "WEBHOOK_SECRET_KEY") ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        // Secure by default: with a secret configured, unsigned callbacks are refused unless explicitly allowed.
        var require = Bool(c, "WEBHOOK_REQUIRE_SIGNATURE", secrets.Length > 0);
        if (require && secrets.Length == 0)
        {
            throw new ContentHubSettingsException("WEBHOOK_REQUIRE_SIGNATURE is on but WEBHOOK_SECRET_KEY is empty");
        }
        var boomerang = Text(c, "BOOMERANG_URL") ?? "http://127.0.0.1:8080";
        if (!Uri.TryCreate(boomerang, UriKind.Absolute, out var boomerangUrl))
        {
            throw new ContentHubSettingsException($"BOOMERANG_URL '{boomerang}' is not an absolute URL");
        }
        var apiKey = Text(c, "BOOMERANG_API_KEY")
            ?? throw new ContentHubSettingsException("BOOMERANG_API_KEY is required (the Boomerang server prints one at first start)");
        return new ContentHubSettings(enabled, secrets, require, Seconds(c, "WEBHOOK_TIMEOUT", 10), baseUrl, boomerangUrl, apiKey,
            Text(c, "BOOMERANG_JOB_KIND") ?? "content-generate", Seconds(c, "POLL_AFTER_SECONDS", 30),
            Text(c, "CONTENTHUB_DB") ?? "data/contenthub.db");
    }

    public void ConfigureReceiver(BoomerangReceiverOptions o)
    {
        o.Secrets = [.. WebhookSecrets];
        o.RequireSignature = RequireSignature;
        o.HandlerTimeoutSeconds = WebhookTimeoutSeconds;
    }

    public void ConfigureTasks(TaskTrackingOptions o)
    {
        o.CallbacksEnabled = WebhookEnabled;
        o.CallbackBaseUrl = CallbackBaseUrl;
        o.PollAfterSeconds = PollAfterSeconds;
        o.DatabasePath = DatabasePath;
    }

    private static string? Text(IConfiguration c, string name) => c[name] is { } v && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;

    private static bool Bool(IConfiguration c, string name, bool fallback) => Text(c, name)?.ToLowerInvariant() switch
    {
        null => fallback,
        "1" or "true" or "yes" or "on" => true,
        "0" or "false" or "no" or "off" => false,
        var other => throw new ContentHubSettingsException($"{name}: '{other}' is not a boolean (use true/false, 1/0, yes/no, on/off)"),
    };

    private static double Seconds(IConfiguration c, string name, double fallback) => Text(c, name) is not { } raw ? fallback
        : double.TryParse(raw, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var s) && s > 0 ? s
        : throw new ContentHubSettingsException($"{name}: '{raw}' is not a positive number of seconds");
}

/// <summary>A setting has a value the app cannot run with.</summary>
public sealed class ContentHubSettingsException(string message) : Exception(message);
