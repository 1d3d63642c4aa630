using Boomerang.Server.Hosting;
using Boomerang.Server.Storage;
using Boomerang.Server.Storage.Postgres;
using Microsoft.Extensions.Configuration;

namespace Boomerang.UnitTests.Server;

public sealed class PostgresSettingsTests
{
    private static StorageOptions Bind(Dictionary<string, string?> values, Dictionary<string, string>? env = null) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).AddSeedAliases(n => env?.GetValueOrDefault(n)).Build()
            .GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();

    [Fact]
    public void BOOMERANG_POSTGRES_sets_the_connection_string_and_so_selects_postgresql()
    {
        var storage = Bind([], new() { ["BOOMERANG_POSTGRES"] = "Host=db;Username=boomerang" });

        Assert.Equal("Host=db;Username=boomerang", storage.Postgres.ConnectionString);
        Assert.True(storage.UsesPostgres);
    }

    [Fact]
    public void Without_a_connection_string_the_store_is_sqlite_and_an_explicit_provider_wins()
    {
        Assert.False(Bind([]).UsesPostgres);
        Assert.True(Bind(new() { ["Boomerang:Storage:Provider"] = "Postgres" }).UsesPostgres);
        Assert.False(Bind(new() { ["Boomerang:Storage:Provider"] = "sqlite" }, new() { ["BOOMERANG_POSTGRES"] = "Host=db" }).UsesPostgres);
    }

    [Fact]
    public void The_full_setting_wins_over_the_BOOMERANG_POSTGRES_alias()
    {
        var storage = Bind([], new() { ["BOOMERANG_POSTGRES"] = "Host=alias", ["Boomerang__Storage__Postgres__ConnectionString"] = "Host=full" });

        // The alias stands aside; the Boomerang__ variable itself is read by the host's environment provider.
        Assert.Equal("", storage.Postgres.ConnectionString);
    }

    [Theory]
    [InlineData("boomerang", true)]
    [InlineData("tenant_2", true)]
    [InlineData("_x", true)]
    [InlineData("Boomerang", false)]
    [InlineData("2fast", false)]
    [InlineData("a-b", false)]
    [InlineData("x\"; DROP SCHEMA public; --", false)]
    [InlineData("", false)]
    [InlineData("a_name_that_is_far_too_long_for_a_schema_42", false)]
    public void A_schema_name_is_a_plain_lower_case_identifier(string name, bool valid) =>
        Assert.Equal(valid, PostgresSchema.IsValid(name));

    [Fact]
    public void Each_schema_has_its_own_notify_channel()
    {
        Assert.Equal("boomerang_boomerang", new PostgresSchema("boomerang").Channel);
        Assert.NotEqual(new PostgresSchema("a").Channel, new PostgresSchema("b").Channel);
    }
}
