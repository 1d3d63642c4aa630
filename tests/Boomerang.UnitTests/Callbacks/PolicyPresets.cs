using Boomerang.Callbacks;

namespace Boomerang.UnitTests.Callbacks;

/// <summary>Named option sets, so the URL table stays one line per case.</summary>
internal static class PolicyPresets
{
    public const string Private = "callback_url hostname resolves to private network";
    public const string NotAllowlisted = "callback_url hostname not in allowlist";
    public const string Userinfo = "callback_url must not include userinfo";
    public const string MissingHost = "callback_url missing hostname";
    public const string Empty = "callback_url is empty";
    public const string Loopback = "callback_url hostname is a name for this machine (loopback), which is blocked";
    public const string NotValid = "callback_url is not a valid absolute URL: ";

    public static CallbackUrlPolicy Create(string preset)
    {
        var options = new CallbackUrlPolicyOptions();
        switch (preset)
        {
            case "default":
                break;
            case "http":
                options.AllowHttp = true;
                break;
            case "allowlist":
                options.Allowlist.Add("hooks.example.com");
                options.Allowlist.Add("*.partner.example");
                options.Allowlist.Add("10.0.0.5");
                break;
            case "loopback-ok":
                options.AllowedNetworks.Add("127.0.0.0/8");
                options.AllowedNetworks.Add("::1/128");
                break;
            case "open":
                options.AllowHttp = true;
                options.BlockPrivateNetworks = false;
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(preset), preset, "Unknown preset.");
        }

        return new CallbackUrlPolicy(options);
    }
}
