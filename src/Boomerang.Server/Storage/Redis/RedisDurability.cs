using StackExchange.Redis;
using Boomerang.Server.Configuration;

namespace Boomerang.Server.Storage.Redis;

/// <summary>
/// Reads the server's persistence at start (<c>CONFIG GET appendonly appendfsync save</c>), logs what an acknowledged
/// job survives under it, and refuses a Redis that keeps nothing unless <c>AllowVolatile</c> is set. Where CONFIG is
/// disabled, <c>Boomerang:Storage:Redis:Persistence</c> says what to assume. Redis Cluster is refused.
/// </summary>
internal sealed partial class RedisDurability(RedisStorageOptions options, ILogger<RedisDurability> log)
{
    public async Task<string> CheckAsync(IDatabase db)
    {
        if (await InfoAsync(db, "cluster").ConfigureAwait(false) is { } cluster && cluster.Contains("cluster_enabled:1", StringComparison.Ordinal))
        {
            throw new BoomerangConfigurationException(
                "Redis: Redis Cluster is not supported (each change is one script over several keys, which must sit in "
                + "one hash slot); point Boomerang:Storage:Redis:Configuration at a standalone primary or a Sentinel-managed one");
        }
        var assumed = options.Persistence.Trim().ToLowerInvariant();
        string mode;
        try
        {
            mode = Mode(await ConfigAsync(db, "appendonly").ConfigureAwait(false), await ConfigAsync(db, "appendfsync").ConfigureAwait(false),
                await ConfigAsync(db, "save").ConfigureAwait(false));
            if (assumed != "detect" && assumed != mode)
            {
                LogMismatch(log, assumed, mode);
            }
        }
        catch (RedisServerException e) when (assumed != "detect")
        {
            LogAssumed(log, e.Message, assumed);
            mode = assumed;
        }
        catch (RedisServerException e)
        {
            throw new BoomerangConfigurationException(
                $"Redis: CONFIG GET is refused ({e.Message}), so Boomerang cannot tell what an acknowledged job survives; "
                + "set Boomerang:Storage:Redis:Persistence to the server's persistence (aof-always, aof-everysec, aof-no, rdb or none)");
        }
        if (mode == "none" && !options.AllowVolatile)
        {
            throw new BoomerangConfigurationException(
                "Redis: the server has no persistence (appendonly no, no save points), so a Redis restart loses every job; "
                + "turn on AOF (appendonly yes, appendfsync always or everysec) or set Boomerang:Storage:Redis:AllowVolatile=true");
        }
        if (mode is "aof-always" or "aof-everysec")
        {
                LogDurability(log, mode, Survives(mode));
        }
        else
        {
            LogWeakDurability(log, mode, Survives(mode));
        }
        try
        {
            if (await ConfigAsync(db, "maxmemory-policy").ConfigureAwait(false) is { } policy && policy != "noeviction")
            {
                LogEviction(log, policy);
            }
        }
        catch (RedisServerException)
        {
        }
        return mode;
    }

    public static string Mode(string? appendOnly, string? appendFsync, string? save) =>
        appendOnly == "yes" ? "aof-" + (appendFsync ?? "everysec")
        : !string.IsNullOrWhiteSpace(save) ? "rdb"
        : "none";

    public static string Survives(string mode) => mode switch
    {
        "aof-always" => "an acknowledged job survives a Redis crash and a power loss (each write is fsynced before Redis replies)",
        "aof-everysec" => "an acknowledged job survives a Redis crash; a power loss or kernel crash can lose about the last second of writes",
        "aof-no" => "an acknowledged job survives a Redis crash; a power loss can lose what the OS had not yet flushed (typically up to 30 s)",
        "rdb" => "snapshots only: a Redis crash loses every change since the last snapshot (jobs, results, callback state)",
        _ => "nothing: a Redis restart loses every job",
    };

    /// <summary>An INFO section, or null where INFO is refused (an ACL, a renamed command).</summary>
    private static async Task<string?> InfoAsync(IDatabase db, string section)
    {
        try
        {
            return (string?)await db.ExecuteAsync("INFO", section).ConfigureAwait(false);
        }
        catch (RedisServerException)
        {
            return null;
        }
    }

    private static async Task<string?> ConfigAsync(IDatabase db, string name)
    {
        var r = (RedisResult[])(await db.ExecuteAsync("CONFIG", "GET", name).ConfigureAwait(false))!;
        return r.Length >= 2 ? (string?)r[1] : null;
    }

    [LoggerMessage(EventId = 4101, Level = LogLevel.Information, Message = "Redis persistence {Mode}: {Survives}")]
    private static partial void LogDurability(ILogger logger, string mode, string survives);

    [LoggerMessage(EventId = 4106, Level = LogLevel.Warning, Message = "Redis persistence {Mode}: {Survives}")]
    private static partial void LogWeakDurability(ILogger logger, string mode, string survives);

    [LoggerMessage(EventId = 4107, Level = LogLevel.Warning, Message = "Redis maxmemory-policy is {Policy}: when Redis fills up it may evict jobs and callbacks; use noeviction for a job store")]
    private static partial void LogEviction(ILogger logger, string policy);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Warning, Message = "Redis refused CONFIG GET ({Reason}); assuming persistence {Mode} as Boomerang:Storage:Redis:Persistence says")]
    private static partial void LogAssumed(ILogger logger, string reason, string mode);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Warning, Message = "Boomerang:Storage:Redis:Persistence says {Assumed} but the server reports {Actual}; going by the server")]
    private static partial void LogMismatch(ILogger logger, string assumed, string actual);
}
