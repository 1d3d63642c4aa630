namespace Boomerang.IntegrationTests.Callbacks;

internal static class CallbackSettings
{
    public const string Secret = "receiver-shared-secret";

    /// <summary>Loopback receivers allowed, fast retries, one signing secret.</summary>
    public static Dictionary<string, string> Loopback(params (string Key, string Value)[] extra)
    {
        var settings = new Dictionary<string, string>
        {
            ["Boomerang:Callbacks:AllowHttp"] = "true",
            ["Boomerang:Callbacks:AllowedNetworks:0"] = "127.0.0.0/8",
            ["Boomerang:Callbacks:SigningSecrets:0"] = Secret,
            ["Boomerang:Callbacks:BackoffBaseSeconds"] = "0.05",
            ["Boomerang:Callbacks:BackoffMaxSeconds"] = "0.2",
            ["Boomerang:Callbacks:PollIntervalSeconds"] = "0.2",
            ["Boomerang:Callbacks:TimeoutSeconds"] = "5",
        };
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }
        return settings;
    }
}
