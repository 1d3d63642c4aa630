using Boomerang.Server.Configuration;
namespace Boomerang.Server.Storage.Redis;

/// <summary>
/// The seed's Redis settings: <c>DEDUP2D_ASYNC_BACKEND=redis</c> picks this provider, <c>DEDUP2D_REDIS_URL</c> (then
/// <c>REDIS_URL</c>) names the server as a <c>redis://</c> URL, <c>DEDUP2D_REDIS_KEY_PREFIX</c> the key prefix. As with
/// the other aliases, a <c>Boomerang__…</c> variable or a command-line argument for the same key wins.
/// </summary>
internal static class RedisSeedAliases
{
    public const string ProviderKey = "Boomerang:Storage:Provider";
    public const string ConfigurationKey = "Boomerang:Storage:Redis:Configuration";

    public static IConfigurationBuilder AddRedisSeedAliases(this IConfigurationBuilder builder, Func<string, string?> env,
        IConfiguration? above = null)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        bool Free(string key) => !Hosting.SeedAliases.SetAbove(key, env, above);

        // Each value is read before a higher source may win, so a bad one is named either way.
        if (env("DEDUP2D_ASYNC_BACKEND") is { } backend && !string.IsNullOrWhiteSpace(backend))
        {
            switch (backend.Trim().ToLowerInvariant())
            {
                case "redis":
                    if (Free(ProviderKey))
                    {
                        values[ProviderKey] = "redis";
                    }
                    break;
                case "inprocess":
                    // The seed's in-memory default: Boomerang's default store (SQLite, or PostgreSQL when configured).
                    break;
                default:
                    throw new BoomerangConfigurationException($"DEDUP2D_ASYNC_BACKEND: '{backend}' is not 'redis' or 'inprocess'");
            }
        }
        var url = new[] { "DEDUP2D_REDIS_URL", "REDIS_URL" }.Select(n => (Name: n, Value: env(n))).FirstOrDefault(v => !string.IsNullOrWhiteSpace(v.Value));
        var parsed = url.Value is null ? null : RedisUrl.Parse(url.Value)
            ?? throw new BoomerangConfigurationException($"{url.Name}: not a redis:// or rediss:// URL (redis://[:password@]host:port/db)");
        if (parsed is not null && Free(ConfigurationKey))
        {
            values[ConfigurationKey] = parsed.Configuration;
            if (parsed.Password is not null && Free("Boomerang:Storage:Redis:Password"))
            {
                values["Boomerang:Storage:Redis:Password"] = parsed.Password;
            }
            if (parsed.User is not null && Free("Boomerang:Storage:Redis:User"))
            {
                values["Boomerang:Storage:Redis:User"] = parsed.User;
            }
        }
        if (env("DEDUP2D_REDIS_KEY_PREFIX") is { } prefix && !string.IsNullOrWhiteSpace(prefix) && Free("Boomerang:Storage:Redis:KeyPrefix"))
        {
            values["Boomerang:Storage:Redis:KeyPrefix"] = prefix.Trim();
        }
        return builder.AddInMemoryCollection(values);
    }
}

/// <summary>A <c>redis://[user:password@]host[:port][/db]</c> URL as a StackExchange.Redis configuration string; the
/// credentials stay apart, since that string cannot quote a comma.</summary>
internal sealed record RedisUrl(string Configuration, string? User, string? Password)
{
    public static RedisUrl? Parse(string text)
    {
        if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("redis" or "rediss") || uri.Host.Length == 0)
        {
            return null;
        }
        var db = uri.AbsolutePath.Trim('/');
        if (db.Length > 0 && !int.TryParse(db, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _))
        {
            return null;
        }
        var host = uri.HostNameType == UriHostNameType.IPv6 ? $"[{uri.IdnHost}]" : uri.IdnHost;
        var parts = new List<string> { $"{host}:{(uri.IsDefaultPort || uri.Port < 0 ? 6379 : uri.Port)}" };
        if (db.Length > 0)
        {
            parts.Add("defaultDatabase=" + db);
        }
        if (uri.Scheme == "rediss")
        {
            parts.Add("ssl=true");
        }
        string? user = null, password = null;
        if (uri.UserInfo.Length > 0)
        {
            var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            user = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            password = colon < 0 ? null : Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
        }
        return new RedisUrl(string.Join(',', parts), string.IsNullOrEmpty(user) ? null : user, string.IsNullOrEmpty(password) ? null : password);
    }
}
