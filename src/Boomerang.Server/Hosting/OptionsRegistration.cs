using Boomerang.Server.Api;
using Boomerang.Server.Auth;
using Boomerang.Server.Jobs;
using Boomerang.Server.Storage;
using Boomerang.Server.Storage.Postgres;
using Boomerang.Server.Configuration;

namespace Boomerang.Server.Hosting;

internal static class OptionsRegistration
{
    public static IServiceCollection AddBoomerangOptions(this IServiceCollection services)
    {
        services.AddBoomerangSection<StorageOptions>(StorageOptions.Section)
            .Validate(o => o.Provider.Trim().ToLowerInvariant() is "" or "sqlite" or "postgres" or "redis", "Boomerang:Storage:Provider must be 'sqlite', 'postgres' or 'redis'")
            .Validate(o => !o.UsesPostgres || !string.IsNullOrWhiteSpace(o.Postgres.ConnectionString),
                "Boomerang:Storage:Postgres:ConnectionString (or BOOMERANG_POSTGRES) is required when Boomerang:Storage:Provider is postgres")
            .Validate(o => !o.UsesPostgres || string.IsNullOrWhiteSpace(o.Postgres.ConnectionString) || PostgresSchema.IsValidConnectionString(o.Postgres.ConnectionString),
                "Boomerang:Storage:Postgres:ConnectionString (or BOOMERANG_POSTGRES) is not an Npgsql connection string: a keyword is unknown or a value cannot be read")
            .Validate(o => !o.UsesPostgres || PostgresSchema.IsValid(o.Postgres.Schema),
                "Boomerang:Storage:Postgres:Schema must be a lower-case identifier (a-z, 0-9, _; at most 40 characters)")
            .Validate(o => o.Postgres.StartupWaitSeconds >= 0, "Boomerang:Storage:Postgres:StartupWaitSeconds must not be negative")
            .Validate(o => !string.IsNullOrWhiteSpace(o.Sqlite.Path), "Boomerang:Storage:Sqlite:Path must not be empty")
            .Validate(o => o.Sqlite.MaxGroupSize is >= 1 and <= 100_000, "Boomerang:Storage:Sqlite:MaxGroupSize must be 1..100000")
            .Validate(o => o.Sqlite.Synchronous.ToUpperInvariant() is "FULL" or "NORMAL", "Boomerang:Storage:Sqlite:Synchronous must be FULL or NORMAL")
            .ValidateOnStart();
        services.AddBoomerangSection<AuthOptions>(AuthOptions.Section)
            .Validate(o => o.ApiKeys.All(k => !string.IsNullOrWhiteSpace(k)), "Boomerang:Auth:ApiKeys must not contain empty keys")
            .Validate(o => o.Tenants.Keys.All(NamedTenants.IsValidName), NamedTenants.NameRule)
            .Validate(o => o.Tenants.Values.All(t => t.Keys.Count > 0), "Boomerang:Auth:Tenants:<name>:Keys must list at least one key")
            .Validate(o => NamedTenants.RepeatedKey(o) is null, "an API key appears twice in Boomerang:Auth:ApiKeys / Boomerang:Auth:Tenants:<name>:Keys; each key acts for one tenant")
            .Validate(o => o.RateLimit.RequestsPerSecond is >= 0 and <= 1_000_000, "Boomerang:Auth:RateLimit:RequestsPerSecond must be 0 (off) .. 1000000")
            .Validate(o => o.RateLimit.Burst is >= 0 and <= 10_000_000, "Boomerang:Auth:RateLimit:Burst must be 0 (twice the rate) .. 10000000")
            .Validate(o => string.IsNullOrWhiteSpace(o.AdminToken) || o.AdminToken.Trim().Length >= AdminToken.MinLength, AdminToken.TooShortMessage)
            .ValidateOnStart();
        services.AddBoomerangSection<ApiOptions>(ApiOptions.Section)
            .Validate(o => o.MaxBodyBytes >= 1024, "Boomerang:Api:MaxBodyBytes must be at least 1024")
            .Validate(o => o.MaxBatchSize is >= 1 and <= 10_000, "Boomerang:Api:MaxBatchSize must be 1..10000")
            .ValidateOnStart();
        services.AddBoomerangSection<JobsOptions>(JobsOptions.Section)
            .Validate(o => o.Concurrency is >= 1 and <= 4096, "Boomerang:Jobs:Concurrency must be 1..4096")
            .Validate(o => o.MaxActive >= 1, "Boomerang:Jobs:MaxActive must be at least 1")
            .Validate(o => o.LeaseSeconds >= 1, "Boomerang:Jobs:LeaseSeconds must be at least 1")
            .Validate(o => o.MaxAttempts >= 1, "Boomerang:Jobs:MaxAttempts must be at least 1")
            .Validate(o => o.TimeoutSeconds > 0, "Boomerang:Jobs:TimeoutSeconds must be greater than 0")
            .Validate(o => o.KindTimeoutSeconds.Values.All(v => v > 0), "Boomerang:Jobs:KindTimeoutSeconds values must be greater than 0")
            .Validate(o => o.PollIntervalSeconds is > 0 and <= 60, "Boomerang:Jobs:PollIntervalSeconds must be in (0, 60]")
            .Validate(o => o.ShutdownGraceSeconds >= 0, "Boomerang:Jobs:ShutdownGraceSeconds must not be negative")
            .Validate(o => o.Commands.All(c => !string.IsNullOrWhiteSpace(c.Value.Path)), "Boomerang:Jobs:Commands:<kind>:Path is required")
            .Validate(o => o.Commands.All(c => c.Value.TimeoutSeconds is null or > 0), "Boomerang:Jobs:Commands:<kind>:TimeoutSeconds must be greater than 0")
            .Validate(o => o.Commands.All(c => c.Value.Concurrency is null or (>= 1 and <= 4096)), "Boomerang:Jobs:Commands:<kind>:Concurrency must be 1..4096")
            .ValidateOnStart();
        services.AddBoomerangSetting(ServerRoles.Key, typeof(List<string>));
        return services;
    }
}
