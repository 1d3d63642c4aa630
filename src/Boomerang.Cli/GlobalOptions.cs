using System.CommandLine;

namespace Boomerang.Cli;

/// <summary>Options every command accepts: where the server is, the key, the config file and JSON output.</summary>
internal sealed class GlobalOptions
{
    public Option<string?> Url { get; } = new("--url")
    {
        Description = "Server address (else BOOMERANG_URL, else the config file, else http://127.0.0.1:8080)",
        Recursive = true,
    };

    public Option<string?> ApiKey { get; } = new("--api-key")
    {
        Description = "API key (else BOOMERANG_API_KEY, else the config file); prefer the variable, flags show in ps",
        Recursive = true,
    };

    public Option<string?> Config { get; } = new("--config")
    {
        Description = "Config file (else BOOMERANG_CONFIG, else $XDG_CONFIG_HOME/boomerang/config.json)",
        Recursive = true,
    };

    public Option<bool> Json { get; } = new("--json")
    {
        Description = "Write JSON for scripts instead of tables",
        Recursive = true,
    };

    public void AddTo(Command root)
    {
        root.Add(Url);
        root.Add(ApiKey);
        root.Add(Config);
        root.Add(Json);
    }
}
