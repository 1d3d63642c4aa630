using Boomerang.Server.Configuration;
using Boomerang.Server.Hosting;
using Microsoft.Extensions.Configuration;

namespace Boomerang.UnitTests.Storage;

public sealed class RetentionSettingsTests
{
    private static IConfiguration From(Dictionary<string, string> env) =>
        new ConfigurationBuilder().AddSeedAliases(n => env.GetValueOrDefault(n)).Build();

    [Theory]
    [InlineData("86400", "1")]
    [InlineData("3600", "0.041666666666666664")]
    [InlineData(" 604800 ", "7")]
    public void The_seed_ttl_in_seconds_becomes_the_retention_in_days(string seconds, string days) =>
        Assert.Equal(days, From(new() { ["DEDUP2D_ASYNC_TTL_SECONDS"] = seconds })["Boomerang:Retention:FinishedJobsDays"]);

    [Fact]
    public void A_ttl_that_is_not_a_number_stops_the_process_naming_it()
    {
        var error = Assert.Throws<BoomerangConfigurationException>(() => From(new() { ["DEDUP2D_ASYNC_TTL_SECONDS"] = "a week" }));
        Assert.Contains("DEDUP2D_ASYNC_TTL_SECONDS", error.Message);
    }

    [Fact]
    public void The_canonical_setting_wins_over_the_seed_alias()
    {
        var config = From(new() { ["DEDUP2D_ASYNC_TTL_SECONDS"] = "60", ["Boomerang__Retention__FinishedJobsDays"] = "3" });
        Assert.Null(config["Boomerang:Retention:FinishedJobsDays"]);
    }
}
