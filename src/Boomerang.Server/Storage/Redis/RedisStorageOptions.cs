using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Boomerang.Server.Storage.Redis;

/// <summary><c>Boomerang:Storage:Redis</c>: where the Redis store lives and what its persistence may be.</summary>
internal sealed class RedisStorageOptions
{
    /// <summary>A StackExchange.Redis configuration string (<c>host:port,password=…,ssl=true,serviceName=…</c>); env
    /// aliases <c>DEDUP2D_REDIS_URL</c>, then <c>REDIS_URL</c> (<c>redis://[:password@]host:port/db</c>).</summary>
    public string Configuration { get; set; } = "";
    /// <summary>Set from a URL's user info; overrides a password in <see cref="Configuration"/> (it may hold a comma).</summary>
    public string? Password { get; set; }
    public string? User { get; set; }
    /// <summary>Every key starts with this and a colon; the seed's default, so keys sit where its did.</summary>
    public string KeyPrefix { get; set; } = "dedup2d";
    /// <summary>How long a starting process waits for Redis before it gives up (exit code 3).</summary>
    public double StartupWaitSeconds { get; set; } = 60;
    /// <summary>What to assume when <c>CONFIG GET</c> is disabled: <c>detect</c> (ask the server; refuse to start when it
    /// will not say), <c>aof-always</c>, <c>aof-everysec</c>, <c>aof-no</c>, <c>rdb</c> or <c>none</c>.</summary>
    public string Persistence { get; set; } = "detect";
    /// <summary>Start on a Redis without any persistence (a restart loses every job).</summary>
    public bool AllowVolatile { get; set; }

    public static readonly string[] PersistenceValues = ["detect", "aof-always", "aof-everysec", "aof-no", "rdb", "none"];

    public ConfigurationOptions ToClientOptions()
    {
        var o = ConfigurationOptions.Parse(Configuration);
        if (!string.IsNullOrEmpty(Password))
        {
            o.Password = Password;
        }
        if (!string.IsNullOrEmpty(User))
        {
            o.User = User;
        }
        // Keep trying in the background: start-up waits on its own deadline and outages end without a restart.
        o.AbortOnConnectFail = false;
        if (!Configuration.Contains("connectRetry", StringComparison.OrdinalIgnoreCase))
        {
            // Back within a few seconds of Redis returning: 0.5 s doubling to 5 s between reconnect attempts.
            o.ReconnectRetryPolicy = new ExponentialRetry(500, 5000);
        }
        o.ClientName ??= "boomerang";
        // CONFIG GET at start (the persistence check) is an admin command to this client.
        o.AllowAdmin = true;
        return o;
    }
}

/// <summary>Checks the Redis settings when the provider is redis; registered beside the other storage validations.</summary>
internal sealed class RedisStorageOptionsValidator : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        if (!options.UsesRedis)
        {
            return ValidateOptionsResult.Success;
        }
        var o = options.Redis;
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(o.Configuration))
        {
            failures.Add("Boomerang:Storage:Redis:Configuration (or DEDUP2D_REDIS_URL / REDIS_URL) is required when Boomerang:Storage:Provider is redis");
        }
        else
        {
            try
            {
                _ = ConfigurationOptions.Parse(o.Configuration);
            }
            catch (ArgumentException e)
            {
                failures.Add($"Boomerang:Storage:Redis:Configuration is not a valid StackExchange.Redis configuration: {e.Message}");
            }
        }
        if (string.IsNullOrWhiteSpace(o.KeyPrefix) || o.KeyPrefix.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)) || o.KeyPrefix.Length > 100)
        {
            failures.Add("Boomerang:Storage:Redis:KeyPrefix must be 1..100 characters without spaces");
        }
        if (o.StartupWaitSeconds < 0)
        {
            failures.Add("Boomerang:Storage:Redis:StartupWaitSeconds must not be negative");
        }
        if (!RedisStorageOptions.PersistenceValues.Contains(o.Persistence.Trim().ToLowerInvariant()))
        {
            failures.Add("Boomerang:Storage:Redis:Persistence must be one of " + string.Join(", ", RedisStorageOptions.PersistenceValues));
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
