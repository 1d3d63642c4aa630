using Boomerang.Server.Configuration;
namespace Boomerang.Server.Hosting;

/// <summary>
/// Short environment names: the ones the seed services used for the same settings, and <c>BOOMERANG_POSTGRES</c>
/// for the PostgreSQL connection string. They map onto the <c>Boomerang:*</c> keys, above <c>appsettings.json</c>; when
/// the <c>Boomerang__…</c> variable or a command-line argument sets the same key, that wins.
/// </summary>
internal static class SeedAliases
{
    public static readonly IReadOnlyList<(string Env, string Key, AliasKind Kind)> All =
    [
        ("API_KEYS", "Boomerang:Auth:ApiKeys", AliasKind.List),
        ("API_KEY", "Boomerang:Auth:ApiKeys", AliasKind.List),
        ("DEDUP2D_ASYNC_MAX_JOBS", "Boomerang:Jobs:MaxActive", AliasKind.Text),
        ("DEDUP2D_WORKER_MAX_JOBS", "Boomerang:Jobs:Concurrency", AliasKind.Text),
        ("DEDUP2D_ASYNC_JOB_TIMEOUT_SECONDS", "Boomerang:Jobs:TimeoutSeconds", AliasKind.Text),
        ("DEDUP2D_CALLBACK_ALLOW_HTTP", "Boomerang:Callbacks:AllowHttp", AliasKind.Bool),
        ("DEDUP2D_CALLBACK_BLOCK_PRIVATE_NETWORKS", "Boomerang:Callbacks:BlockPrivateNetworks", AliasKind.Bool),
        ("DEDUP2D_CALLBACK_RESOLVE_DNS", "Boomerang:Callbacks:ResolveDns", AliasKind.Bool),
        ("DEDUP2D_CALLBACK_ALLOWLIST", "Boomerang:Callbacks:Allowlist", AliasKind.List),
        ("DEDUP2D_CALLBACK_HMAC_SECRET", "Boomerang:Callbacks:SigningSecrets", AliasKind.List),
        ("DEDUP2D_CALLBACK_TIMEOUT_SECONDS", "Boomerang:Callbacks:TimeoutSeconds", AliasKind.Text),
        ("DEDUP2D_CALLBACK_MAX_ATTEMPTS", "Boomerang:Callbacks:MaxAttempts", AliasKind.Text),
        ("DEDUP2D_CALLBACK_BACKOFF_BASE_SECONDS", "Boomerang:Callbacks:BackoffBaseSeconds", AliasKind.Text),
        ("DEDUP2D_CALLBACK_BACKOFF_MAX_SECONDS", "Boomerang:Callbacks:BackoffMaxSeconds", AliasKind.Text),
        ("ADMIN_TOKEN", "Boomerang:Auth:AdminToken", AliasKind.Text),
        ("DEDUPCAD_VISION_URL", "Boomerang:Dedup2D:VisionUrl", AliasKind.Text),
        ("DEDUPCAD_VISION_TIMEOUT_SECONDS", "Boomerang:Dedup2D:Vision:TimeoutSeconds", AliasKind.Text),
        ("DEDUPCAD_VISION_RETRY_MAX_ATTEMPTS", "Boomerang:Dedup2D:Vision:RetryMaxAttempts", AliasKind.Text),
        ("DEDUPCAD_VISION_RETRY_BASE_DELAY_SECONDS", "Boomerang:Dedup2D:Vision:RetryBaseDelaySeconds", AliasKind.Text),
        ("DEDUPCAD_VISION_RETRY_MAX_DELAY_SECONDS", "Boomerang:Dedup2D:Vision:RetryMaxDelaySeconds", AliasKind.Text),
        ("DEDUPCAD_VISION_CIRCUIT_ENABLED", "Boomerang:Dedup2D:Vision:CircuitEnabled", AliasKind.Bool),
        ("DEDUPCAD_VISION_CIRCUIT_FAILURE_THRESHOLD", "Boomerang:Dedup2D:Vision:CircuitFailureThreshold", AliasKind.Text),
        ("DEDUPCAD_VISION_CIRCUIT_RECOVERY_TIMEOUT_SECONDS", "Boomerang:Dedup2D:Vision:CircuitRecoveryTimeoutSeconds", AliasKind.Text),
        ("DEDUP2D_FORCED_ASYNC_FILE_SIZE_BYTES", "Boomerang:Dedup2D:ForcedAsyncFileSizeBytes", AliasKind.Text),
        ("DEDUP2D_FORCED_ASYNC_ON_PRECISION", "Boomerang:Dedup2D:ForcedAsyncOnPrecision", AliasKind.Bool),
        ("DEDUP2D_FORCED_ASYNC_ON_MODE_PRECISE", "Boomerang:Dedup2D:ForcedAsyncOnModePrecise", AliasKind.Bool),
        ("DEDUP2D_FILE_STORAGE_DIR", "Boomerang:Dedup2D:UploadDir", AliasKind.Text),
        ("DEDUP2D_FILE_STORAGE_RETENTION_SECONDS", "Boomerang:Dedup2D:UploadRetentionSeconds", AliasKind.Text),
        ("DEDUPCAD2_W_ENTITIES", "Boomerang:Dedup2D:SectionWeights:entities", AliasKind.Text),
        ("DEDUPCAD2_W_LAYERS", "Boomerang:Dedup2D:SectionWeights:layers", AliasKind.Text),
        ("DEDUPCAD2_W_DIMENSIONS", "Boomerang:Dedup2D:SectionWeights:dimensions", AliasKind.Text),
        ("DEDUPCAD2_W_TEXT", "Boomerang:Dedup2D:SectionWeights:text", AliasKind.Text),
        ("DEDUPCAD2_W_BLOCKS", "Boomerang:Dedup2D:SectionWeights:blocks", AliasKind.Text),
        ("CAD_ML_PLATFORM_L4_ENTITIES_GEOM_HASH", "Boomerang:Dedup2D:StrictEntitiesGeomHash", AliasKind.Bool),
        ("DWG_CONVERTER", "Boomerang:Dedup2D:BuiltIn:DwgConverter", AliasKind.Text),
        ("DEDUP2D_ASYNC_TTL_SECONDS", "Boomerang:Retention:FinishedJobsDays", AliasKind.SecondsAsDays),
        ("BOOMERANG_POSTGRES", "Boomerang:Storage:Postgres:ConnectionString", AliasKind.Text),
    ];

    /// <summary>Adds the aliases set in <paramref name="env"/>, except for keys that a source ranked above them sets:
    /// <paramref name="above"/> (the environment variables and the command line, read as configuration, so in any
    /// spelling and at any list index) or, without it, the exact <c>Boomerang__…</c> variable. Every alias that is set
    /// is read first, so a bad value stops the process even when a higher source wins.</summary>
    public static IConfigurationBuilder AddSeedAliases(this IConfigurationBuilder builder, Func<string, string?> env,
        IConfiguration? above = null)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, key, kind) in All)
        {
            var raw = env(name);
            if (string.IsNullOrWhiteSpace(raw))
            {
                continue;
            }
            var value = kind switch
            {
                // One comma-separated value, the list form a Boomerang__ variable may use too: with the same list as
                // items in appsettings.json, the server stops naming the setting instead of mixing the two.
                AliasKind.List => string.Join(',', raw.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)),
                AliasKind.SecondsAsDays => double.TryParse(raw.Trim(), System.Globalization.NumberStyles.Float,
                        System.Globalization.CultureInfo.InvariantCulture, out var seconds)
                    ? (seconds / 86400).ToString("R", System.Globalization.CultureInfo.InvariantCulture)
                    : throw new BoomerangConfigurationException($"{name}: '{raw}' is not a number of seconds"),
                AliasKind.Bool => ParseBool(raw) is { } b ? (b ? "true" : "false")
                    : throw new BoomerangConfigurationException($"{name}: '{raw}' is not a boolean (use 1/0, true/false, yes/no, on/off)"),
                _ => raw.Trim(),
            };
            if (!SetAbove(key, env, above) && !values.ContainsKey(key))
            {
                values[key] = value;
            }
        }
        // The seed could keep uploads in S3; Boomerang keeps them in a folder. Going on would put them somewhere the
        // operator did not ask for, so the name stops the process, as an unknown key does.
        if (env("DEDUP2D_FILE_STORAGE") is { } storage && !string.IsNullOrWhiteSpace(storage)
            && !string.Equals(storage.Trim(), "local", StringComparison.OrdinalIgnoreCase))
        {
            throw new BoomerangConfigurationException(
                $"DEDUP2D_FILE_STORAGE: '{storage.Trim()}' is not supported; uploads go to the folder Boomerang:Dedup2D:UploadDir " +
                "(DEDUP2D_FILE_STORAGE_DIR), which must be shared storage when several nodes take uploads (unset it, or set it to 'local')");
        }
        return builder.AddInMemoryCollection(values);
    }

    /// <summary>True when a source ranked above the aliases sets <paramref name="key"/>, or any item of it: then the
    /// alias stays out entirely, so a list is never half one source's and half the other's.</summary>
    internal static bool SetAbove(string key, Func<string, string?> env, IConfiguration? above)
    {
        var canonical = key.Replace(":", "__", StringComparison.Ordinal);
        return above?.GetSection(key).Exists() == true || env(canonical) is not null || env(canonical + "__0") is not null;
    }

    private static bool? ParseBool(string raw) => raw.Trim().ToLowerInvariant() switch
    {
        "1" or "true" or "yes" or "y" or "on" => true,
        "0" or "false" or "no" or "n" or "off" => false,
        _ => null,
    };
}

internal enum AliasKind { Text, Bool, List, SecondsAsDays }
