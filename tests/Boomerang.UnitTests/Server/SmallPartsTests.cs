using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Boomerang.Jobs;
using Boomerang.Server.Auth;
using Boomerang.Server.Hosting;
using Boomerang.Server.Jobs;
using Microsoft.Extensions.Configuration;
using Boomerang.Server.Configuration;

namespace Boomerang.UnitTests.Server;

public sealed class SmallPartsTests
{
    [Fact]
    public void Tenant_id_is_the_first_16_hex_characters_of_the_keys_sha256()
    {
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("test")))[..16], ApiKeyRing.TenantOf("test"));
        Assert.Equal("9f86d081884c7d65", ApiKeyRing.TenantOf("test"));
    }

    [Fact]
    public void Only_configured_keys_find_a_tenant()
    {
        var ring = new ApiKeyRing(["alpha", " beta "]);
        Assert.Equal(ApiKeyRing.TenantOf("beta"), ring.FindTenant("beta"));
        Assert.Equal(ApiKeyRing.TenantOf("alpha"), ring.FindTenant("alpha"));
        Assert.Null(ring.FindTenant("alph"));
        Assert.Null(ring.FindTenant("alphaa"));
    }

    [Fact]
    public void Seed_environment_names_map_onto_boomerang_settings_and_lose_to_the_boomerang_name()
    {
        var env = new Dictionary<string, string>
        {
            ["API_KEYS"] = "k1, k2,,",
            ["DEDUP2D_CALLBACK_ALLOW_HTTP"] = "yes",
            ["DEDUP2D_CALLBACK_BLOCK_PRIVATE_NETWORKS"] = "0",
            ["DEDUP2D_CALLBACK_HMAC_SECRET"] = "s3cret",
            ["DEDUP2D_ASYNC_MAX_JOBS"] = "7",
            ["DEDUP2D_WORKER_MAX_JOBS"] = "3",
            ["Boomerang__Jobs__Concurrency"] = "9",
        };
        var config = new ConfigurationBuilder().AddSeedAliases(n => env.GetValueOrDefault(n)).Build();

        Assert.Equal(["k1", "k2"], SectionBinder.Get<AuthOptions>(config, "Boomerang:Auth").ApiKeys);
        Assert.Equal("true", config["Boomerang:Callbacks:AllowHttp"]);
        Assert.Equal("false", config["Boomerang:Callbacks:BlockPrivateNetworks"]);
        Assert.Equal(["s3cret"], SectionBinder.Get<Boomerang.Server.Callbacks.CallbacksOptions>(config, "Boomerang:Callbacks").SigningSecrets);
        Assert.Equal("7", config["Boomerang:Jobs:MaxActive"]);
        Assert.Null(config["Boomerang:Jobs:Concurrency"]);
    }

    [Fact]
    public void API_KEYS_wins_over_API_KEY_when_both_are_set()
    {
        var env = new Dictionary<string, string> { ["API_KEYS"] = "a,b", ["API_KEY"] = "c" };
        var config = new ConfigurationBuilder().AddSeedAliases(n => env.GetValueOrDefault(n)).Build();
        Assert.Equal(["a", "b"], SectionBinder.Get<AuthOptions>(config, "Boomerang:Auth").ApiKeys);
    }

    [Fact]
    public void A_seed_name_stays_out_when_a_source_above_it_sets_the_key_or_any_item_of_it()
    {
        var env = new Dictionary<string, string> { ["API_KEYS"] = "a,b", ["DEDUP2D_WORKER_MAX_JOBS"] = "3" };
        // The environment and the command line, read as configuration: any spelling, any list index.
        var above = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["BOOMERANG:JOBS:CONCURRENCY"] = "7",
            ["Boomerang:Auth:ApiKeys:1"] = "z",
        }).Build();

        var config = new ConfigurationBuilder().AddSeedAliases(n => env.GetValueOrDefault(n), above).Build();

        Assert.Null(config["Boomerang:Jobs:Concurrency"]);
        Assert.False(config.GetSection("Boomerang:Auth:ApiKeys").Exists());
    }

    [Fact]
    public void A_seed_list_and_the_same_list_in_appsettings_are_refused_rather_than_mixed()
    {
        var env = new Dictionary<string, string> { ["API_KEYS"] = "new" };
        var config = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Boomerang:Auth:ApiKeys:0"] = "old1", ["Boomerang:Auth:ApiKeys:1"] = "old2" })
            .AddSeedAliases(n => env.GetValueOrDefault(n)).Build();

        var e = Assert.Throws<BoomerangConfigurationException>(() => SectionBinder.Get<AuthOptions>(config, "Boomerang:Auth"));
        Assert.Contains("Boomerang:Auth:ApiKeys", e.Message);
    }

    [Theory]
    [InlineData("DEDUP2D_CALLBACK_ALLOW_HTTP", "maybe", "Boomerang:Callbacks:AllowHttp")]
    [InlineData("DEDUP2D_ASYNC_TTL_SECONDS", "a week", "Boomerang:Retention:FinishedJobsDays")]
    public void A_seed_value_that_cannot_be_read_is_refused_even_when_a_source_above_sets_the_key(string name, string value, string key)
    {
        var env = new Dictionary<string, string> { [name] = value };
        var above = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = "1" }).Build();

        var e = Assert.Throws<BoomerangConfigurationException>(() => new ConfigurationBuilder().AddSeedAliases(n => env.GetValueOrDefault(n), above));
        Assert.StartsWith(name, e.Message);
    }

    [Fact]
    public void A_seed_boolean_that_is_not_one_names_the_variable()
    {
        var env = new Dictionary<string, string> { ["DEDUP2D_CALLBACK_RESOLVE_DNS"] = "sometimes" };
        var e = Assert.Throws<BoomerangConfigurationException>(() => new ConfigurationBuilder().AddSeedAliases(n => env.GetValueOrDefault(n)));
        Assert.StartsWith("DEDUP2D_CALLBACK_RESOLVE_DNS", e.Message);
    }

    [Fact]
    public void The_callback_payload_has_sorted_keys_compact_utf8_and_only_the_fields_its_status_allows()
    {
        var completed = Encoding.UTF8.GetString(CallbackEvent.Serialize(CallbackEvent.Completed, "j1", "t1", "echo",
            JobStatus.Completed, 100, 1.5, 2.25, """{"b":1,"a":"é"}""", "ignored"));
        var failed = Encoding.UTF8.GetString(CallbackEvent.Serialize(CallbackEvent.Failed, "j2", "t1", "echo",
            JobStatus.Failed, 10, 1, 2, """{"x":1}""", "boom ü"));

        Assert.Equal("""{"error":null,"event":"job.completed","finished_at":2.25,"job_id":"j1","kind":"echo","progress":100,"result":{"b":1,"a":"é"},"started_at":1.5,"status":"completed","tenant_id":"t1"}""", completed);
        Assert.Equal("""{"error":"boom ü","event":"job.failed","finished_at":2,"job_id":"j2","kind":"echo","progress":10,"result":null,"started_at":1,"status":"failed","tenant_id":"t1"}""", failed);
        Assert.Equal(JsonValueKind.Object, JsonDocument.Parse(completed).RootElement.ValueKind);
    }

    [Theory]
    [InlineData("progress: 42", 42)]
    [InlineData("  Progress:7.9% ", 7)]
    [InlineData("progress: 250", 100)]
    [InlineData("progress: -3", 0)]
    [InlineData("progress: soon", null)]
    [InlineData("in progress: 5", null)]
    public void Command_progress_lines_are_read_and_clamped(string line, int? expected) =>
        Assert.Equal(expected, CommandJobHandler.TryParseProgress(line));
}
