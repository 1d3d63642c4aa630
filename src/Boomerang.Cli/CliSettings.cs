using System.CommandLine;
using System.Text.Json;
using Boomerang.Client;

namespace Boomerang.Cli;

/// <summary>
/// Where the server is and the key, each from the first of: the flag, the environment (<c>BOOMERANG_URL</c>,
/// <c>BOOMERANG_API_KEY</c>), the config file. The config file is JSON: <c>{"url": "…", "api_key": "…"}</c>.
/// </summary>
internal sealed record CliSettings(Uri Url, string? ApiKey)
{
    public const string DefaultUrl = "http://127.0.0.1:8080";
    private static readonly string[] FileKeys = ["url", "api_key"];

    public static CliSettings Resolve(ParseResult parse, GlobalOptions global, Func<string, string?> env)
    {
        var file = ReadFile(parse.GetValue(global.Config) ?? NonEmpty(env("BOOMERANG_CONFIG")), env);
        var url = NonEmpty(parse.GetValue(global.Url)) ?? NonEmpty(env("BOOMERANG_URL")) ?? file.GetValueOrDefault("url") ?? DefaultUrl;
        var key = NonEmpty(parse.GetValue(global.ApiKey)) ?? NonEmpty(env("BOOMERANG_API_KEY")) ?? file.GetValueOrDefault("api_key");
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new CliError($"the server URL '{url}' is not an absolute http(s) URL");
        }
        return new CliSettings(uri, key);
    }

    public BoomerangClient CreateClient(HttpClient http)
    {
        if (ApiKey is null)
        {
            throw new CliError("no API key: pass --api-key, set BOOMERANG_API_KEY, or put \"api_key\" in the config file");
        }
        return new BoomerangClient(http, new BoomerangClientOptions { BaseAddress = Url, ApiKey = ApiKey });
    }

    public static HttpClient CreateHttp() => new() { Timeout = TimeSpan.FromSeconds(30) };

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static Dictionary<string, string> ReadFile(string? explicitPath, Func<string, string?> env)
    {
        var path = explicitPath ?? DefaultPath(env);
        if (path is null || (explicitPath is null && !File.Exists(path)))
        {
            return [];
        }
        if (!File.Exists(path))
        {
            throw new CliError($"config file {path} does not exist");
        }
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new CliError($"config file {path}: expected a JSON object with \"url\" and \"api_key\"");
            }
            var values = new Dictionary<string, string>();
            foreach (var property in doc.RootElement.EnumerateObject())
            {
                if (!FileKeys.Contains(property.Name))
                {
                    throw new CliError($"config file {path}: unknown key \"{property.Name}\" (known: {string.Join(", ", FileKeys)})");
                }
                if (property.Value.ValueKind != JsonValueKind.String)
                {
                    throw new CliError($"config file {path}: \"{property.Name}\" must be a string");
                }
                values[property.Name] = property.Value.GetString()!;
            }
            return values;
        }
        catch (JsonException e)
        {
            throw new CliError($"config file {path} is not valid JSON: {e.Message}");
        }
    }

    private static string? DefaultPath(Func<string, string?> env)
    {
        var configHome = NonEmpty(env("XDG_CONFIG_HOME"));
        if (configHome is null && NonEmpty(env("HOME")) is { } home)
        {
            configHome = Path.Combine(home, ".config");
        }
        return configHome is null ? null : Path.Combine(configHome, "boomerang", "config.json");
    }
}
