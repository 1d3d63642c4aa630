using Boomerang.Server.Storage;
using Boomerang.Server.Storage.Redis;
using Microsoft.Extensions.Configuration;
using Boomerang.Server.Configuration;

namespace Boomerang.UnitTests.Server;

public sealed class RedisSettingsTests
{
    private static StorageOptions Bind(Dictionary<string, string?> values, Dictionary<string, string>? env = null) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).AddRedisSeedAliases(n => env?.GetValueOrDefault(n)).Build()
            .GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();

    [Fact]
    public void The_seed_environment_names_select_redis_its_url_and_its_key_prefix()
    {
        var storage = Bind([], new()
        {
            ["DEDUP2D_ASYNC_BACKEND"] = "redis",
            ["DEDUP2D_REDIS_URL"] = "redis://:s3cret%2Cx@cache.internal:6380/2",
            ["REDIS_URL"] = "redis://ignored:6379/0",
            ["DEDUP2D_REDIS_KEY_PREFIX"] = "prod_dedup2d",
        });

        Assert.True(storage.UsesRedis);
        Assert.False(storage.UsesPostgres);
        Assert.Equal("cache.internal:6380,defaultDatabase=2", storage.Redis.Configuration);
        Assert.Equal("s3cret,x", storage.Redis.Password);
        Assert.Null(storage.Redis.User);
        Assert.Equal("prod_dedup2d", storage.Redis.KeyPrefix);
    }

    [Fact]
    public void REDIS_URL_is_the_fallback_and_the_prefix_defaults_to_the_seeds()
    {
        var storage = Bind([], new() { ["DEDUP2D_ASYNC_BACKEND"] = "redis", ["REDIS_URL"] = "rediss://app:pw@redis.example.com" });

        Assert.Equal("redis.example.com:6379,ssl=true", storage.Redis.Configuration);
        Assert.Equal("app", storage.Redis.User);
        Assert.Equal("pw", storage.Redis.Password);
        Assert.Equal("dedup2d", storage.Redis.KeyPrefix);
    }

    [Fact]
    public void The_in_process_backend_keeps_the_default_store_and_an_unknown_one_is_refused()
    {
        Assert.False(Bind([], new() { ["DEDUP2D_ASYNC_BACKEND"] = "inprocess" }).UsesRedis);
        var e = Assert.Throws<Boomerang.Server.Configuration.BoomerangConfigurationException>(() => Bind([], new() { ["DEDUP2D_ASYNC_BACKEND"] = "kafka" }));
        Assert.StartsWith("DEDUP2D_ASYNC_BACKEND", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_url_that_is_not_redis_stops_the_process_naming_the_variable()
    {
        var e = Assert.Throws<Boomerang.Server.Configuration.BoomerangConfigurationException>(() => Bind([], new() { ["DEDUP2D_REDIS_URL"] = "http://cache:6379" }));
        Assert.StartsWith("DEDUP2D_REDIS_URL", e.Message, StringComparison.Ordinal);
        Assert.Null(RedisUrl.Parse("redis://cache:6379/notanumber"));
    }

    [Fact]
    public void A_bad_url_or_backend_is_refused_even_when_a_source_above_sets_the_key()
    {
        var above = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Boomerang:Storage:Provider"] = "sqlite",
            ["Boomerang:Storage:Redis:Configuration"] = "full:6379",
        }).Build();
        foreach (var (name, value) in new[] { ("DEDUP2D_REDIS_URL", "http://cache:6379"), ("DEDUP2D_ASYNC_BACKEND", "bogus") })
        {
            var e = Assert.Throws<Boomerang.Server.Configuration.BoomerangConfigurationException>(() =>
                new ConfigurationBuilder().AddRedisSeedAliases(n => n == name ? value : null, above));
            Assert.StartsWith(name, e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_full_setting_wins_over_the_seed_aliases()
    {
        var storage = Bind([], new() { ["REDIS_URL"] = "redis://alias:6379", ["Boomerang__Storage__Redis__Configuration"] = "full:6379" });

        // The alias stands aside; the Boomerang__ variable itself is read by the host's environment provider.
        Assert.Equal("", storage.Redis.Configuration);
    }

    [Theory]
    [InlineData("yes", "always", "", "aof-always")]
    [InlineData("yes", "everysec", "3600 1", "aof-everysec")]
    [InlineData("yes", "no", "", "aof-no")]
    [InlineData("no", "everysec", "3600 1 300 100", "rdb")]
    [InlineData("no", "always", "", "none")]
    public void The_persistence_mode_is_read_from_appendonly_appendfsync_and_save(string appendOnly, string fsync, string save, string mode) =>
        Assert.Equal(mode, RedisDurability.Mode(appendOnly, fsync, save));

    [Fact]
    public void Redis_settings_are_validated_only_when_redis_is_the_provider()
    {
        var validator = new RedisStorageOptionsValidator();
        Assert.True(validator.Validate(null, new StorageOptions()).Succeeded);
        var bad = new StorageOptions { Provider = "redis", Redis = { Configuration = "", KeyPrefix = "has space", Persistence = "maybe" } };

        var failures = validator.Validate(null, bad).Failures!.ToList();

        Assert.Contains(failures, f => f.Contains("Boomerang:Storage:Redis:Configuration", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("Boomerang:Storage:Redis:KeyPrefix", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("Boomerang:Storage:Redis:Persistence", StringComparison.Ordinal));
    }
}
