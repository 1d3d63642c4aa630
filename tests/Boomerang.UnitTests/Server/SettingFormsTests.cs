using System.Text;
using Boomerang.Server.Auth;
using Boomerang.Server.Callbacks;
using Boomerang.Server.Hosting;
using Boomerang.Server.Jobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Boomerang.Server.Configuration;

namespace Boomerang.UnitTests.Server;

public sealed class SettingFormsTests
{
    private static IConfiguration Config(params (string Key, string? Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, v.Value))).Build();

    private static ServiceProvider Services(IConfiguration configuration)
    {
        var services = new ServiceCollection();
        services.AddSingleton(configuration);
        services.AddBoomerangOptions();
        services.AddBoomerangCallbacks(dispatch: false);
        return services.BuildServiceProvider();
    }

    [Theory]
    [InlineData("Boomerang:Auth:ApiKeys")]
    [InlineData("Boomerang:Callbacks:SigningSecrets")]
    [InlineData("Boomerang:Callbacks:Allowlist")]
    [InlineData("Boomerang:Jobs:Commands:convert:Args")]
    [InlineData("Boomerang:Tenants:abc:SigningSecrets")]
    public void Every_list_setting_reads_the_same_from_a_comma_separated_value_and_from_indexed_keys(string path)
    {
        var comma = Config((path, " one, two "), ("Boomerang:Jobs:Commands:convert:Path", "/bin/true"));
        var indexed = Config(($"{path}:0", "one"), ($"{path}:1", "two"), ("Boomerang:Jobs:Commands:convert:Path", "/bin/true"));

        Assert.Equal(["one", "two"], Read(comma, path));
        Assert.Equal(["one", "two"], Read(indexed, path));
    }

    private static IReadOnlyList<string> Read(IConfiguration configuration, string path)
    {
        using var sp = Services(configuration);
        return path switch
        {
            "Boomerang:Auth:ApiKeys" => sp.GetRequiredService<IOptions<AuthOptions>>().Value.ApiKeys,
            "Boomerang:Callbacks:SigningSecrets" => sp.GetRequiredService<IOptions<CallbacksOptions>>().Value.SigningSecrets,
            "Boomerang:Callbacks:Allowlist" => sp.GetRequiredService<IOptions<CallbacksOptions>>().Value.Allowlist,
            "Boomerang:Jobs:Commands:convert:Args" => sp.GetRequiredService<IOptions<JobsOptions>>().Value.Commands["convert"].Args,
            "Boomerang:Tenants:abc:SigningSecrets" => sp.GetRequiredService<IOptions<Dictionary<string, TenantSettings>>>().Value["abc"].SigningSecrets,
            _ => throw new ArgumentOutOfRangeException(nameof(path)),
        };
    }

    [Fact]
    public void Roles_read_from_a_json_array_an_indexed_key_and_a_comma_separated_value()
    {
        var json = new ConfigurationBuilder()
            .AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes("""{"Boomerang": {"Roles": ["api"]}}"""))).Build();

        Assert.Equal(new ServerRoles(true, false, false), ServerRoles.From(json));
        Assert.Equal(new ServerRoles(true, false, false), ServerRoles.From(Config(("Boomerang:Roles:0", "api"))));
        Assert.Equal(new ServerRoles(true, true, false), ServerRoles.From(Config(("Boomerang:Roles", "api, WORKER"))));
        Assert.Equal(new ServerRoles(true, true, true), ServerRoles.From(Config()));
    }

    [Theory]
    [InlineData("a,,b", "has an empty item")]
    [InlineData("a,", "has an empty item")]
    public void A_list_with_an_empty_item_is_refused(string value, string message)
    {
        var e = Assert.Throws<BoomerangConfigurationException>(() => ConfigList.Read(Config(("Boomerang:Roles", value)).GetSection("Boomerang:Roles")));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void A_list_set_in_both_forms_at_once_is_refused_naming_it()
    {
        var config = Config(("Boomerang:Auth:ApiKeys", "a"), ("Boomerang:Auth:ApiKeys:0", "b"));
        var e = Assert.Throws<BoomerangConfigurationException>(() => ConfigList.Read(config.GetSection("Boomerang:Auth:ApiKeys")));
        Assert.Contains("Boomerang:Auth:ApiKeys is set both", e.Message);
    }

    [Theory]
    [InlineData("Boomerang:Jobs:KindTimeoutSeconds:echo", "abc")]
    [InlineData("Boomerang:Jobs:KindTimeoutSeconds:echo", "")]
    [InlineData("Boomerang:Jobs:Commands:convert:TimeoutSeconds", "abc")]
    [InlineData("Boomerang:Jobs:Commands:convert:Concurrency", "many")]
    public void A_keyed_setting_with_a_value_that_cannot_be_read_is_refused_naming_it(string path, string value)
    {
        var config = Config((path, value), ("Boomerang:Jobs:Commands:convert:Path", "/bin/true"));

        var e = Assert.Throws<BoomerangConfigurationException>(() => SectionBinder.Get<JobsOptions>(config, "Boomerang:Jobs"));
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void A_section_weight_that_is_not_a_number_is_refused_naming_it()
    {
        var config = Config(("Boomerang:Dedup2D:SectionWeights:entities", "x"));

        var e = Assert.Throws<BoomerangConfigurationException>(() =>
            SectionBinder.Get<Boomerang.Server.Dedup2D.Dedup2DOptions>(config, "Boomerang:Dedup2D"));
        Assert.Contains("Boomerang:Dedup2D:SectionWeights:entities", e.Message);
    }

    [Fact]
    public void Keyed_settings_that_can_be_read_are_all_kept()
    {
        var config = Config(("Boomerang:Jobs:KindTimeoutSeconds:echo", "3"), ("Boomerang:Jobs:KindTimeoutSeconds:sleep", "4.5"),
            ("Boomerang:Jobs:Commands:convert:Path", "/bin/true"), ("Boomerang:Jobs:Commands:convert:TimeoutSeconds", "7"));

        var jobs = SectionBinder.Get<JobsOptions>(config, "Boomerang:Jobs");

        Assert.Equal(new Dictionary<string, double> { ["echo"] = 3, ["sleep"] = 4.5 }, jobs.KindTimeoutSeconds);
        Assert.Equal(7, jobs.Commands["convert"].TimeoutSeconds);
    }

    [Fact]
    public void Secrets_in_a_refused_list_are_not_echoed()
    {
        var e = Assert.Throws<BoomerangConfigurationException>(() =>
            ConfigList.Read(Config(("Boomerang:Callbacks:SigningSecrets", "topsecret,,x")).GetSection("Boomerang:Callbacks:SigningSecrets")));
        Assert.DoesNotContain("topsecret", e.Message);
    }

    [Theory]
    [InlineData("Boomerang:Jobs:Concurency")]
    [InlineData("Boomerang:Storge:Provider")]
    [InlineData("Boomerang:Storage:Sqlite:Pth")]
    [InlineData("Boomerang:Jobs:Commands:convert:Pth")]
    [InlineData("Boomerang:Auth:ApiKeys:first")]
    [InlineData("Boomerang:Jobs:Concurrency:0")]
    [InlineData("Boomerang:Tenants:abc:SigningSecret")]
    [InlineData("BOOMERANG:ROLE")]
    public void The_schema_names_an_unknown_key(string key)
    {
        using var sp = Services(Config((key, "1")));
        var e = Assert.Throws<BoomerangConfigurationException>(() => sp.GetRequiredService<ConfigurationSchema>().Check(Config((key, "1"))));
        Assert.Contains($"unknown setting {key}", e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void The_schema_accepts_every_documented_shape()
    {
        var config = Config(
            ("Boomerang:Roles", "api"),
            ("Boomerang:Storage:Sqlite:Path", "x.db"),
            ("Boomerang:Storage:Postgres:Schema", "b"),
            ("Boomerang:Auth:ApiKeys:0", "k"),
            ("Boomerang:Auth:AdminToken", "t"),
            ("Boomerang:Jobs:KindTimeoutSeconds:echo", "3"),
            ("Boomerang:Jobs:Commands:convert:Path", "/bin/true"),
            ("Boomerang:Jobs:Commands:convert:Args:0", "-v"),
            ("Boomerang:Jobs:Commands:convert:Env:LANG", "C"),
            ("Boomerang:Callbacks:SigningSecrets", "a,b"),
            ("Boomerang:Tenants:abc:SigningSecrets:0", "s"),
            ("Other:Thing", "not ours"));
        using var sp = Services(config);

        sp.GetRequiredService<ConfigurationSchema>().Check(config);
    }

    [Fact]
    public void A_feature_registers_its_section_once_and_its_keys_become_known()
    {
        var config = Config(("Boomerang:Retention:FinishedJobsDays", "3"), ("Boomerang:Retention:Lists", "a,b"));
        var services = new ServiceCollection();
        services.AddSingleton(config);
        services.AddBoomerangSection<SampleOptions>("Boomerang:Retention").Validate(o => o.FinishedJobsDays > 0, "positive");
        using var sp = services.BuildServiceProvider();

        sp.GetRequiredService<ConfigurationSchema>().Check(config);
        Assert.Equal(3, sp.GetRequiredService<IOptions<SampleOptions>>().Value.FinishedJobsDays);
        Assert.Equal(["a", "b"], sp.GetRequiredService<IOptions<SampleOptions>>().Value.Lists);
        Assert.Contains("Boomerang:Retention", sp.GetRequiredService<ConfigurationSchema>().Paths);
        Assert.Throws<BoomerangConfigurationException>(() =>
            sp.GetRequiredService<ConfigurationSchema>().Check(Config(("Boomerang:Retention:FinishedJobDays", "3"))));
    }

    [Fact]
    public void A_section_registered_inside_another_makes_its_keys_known_and_still_refuses_a_typo_under_it()
    {
        var services = new ServiceCollection();
        services.AddSingleton(Config());
        services.AddBoomerangSection<SampleOptions>("Boomerang:Outer");
        services.AddBoomerangSection<SampleOptions>("Boomerang:Outer:Inner");
        using var sp = services.BuildServiceProvider();
        var schema = sp.GetRequiredService<ConfigurationSchema>();

        schema.Check(Config(("Boomerang:Outer:FinishedJobsDays", "3"), ("Boomerang:Outer:Inner:FinishedJobsDays", "4")));
        var inner = Assert.Throws<BoomerangConfigurationException>(() => schema.Check(Config(("Boomerang:Outer:Inner:FinishedJobDays", "4"))));
        Assert.Contains("unknown setting Boomerang:Outer:Inner:FinishedJobDays", inner.Message, StringComparison.Ordinal);
        var outer = Assert.Throws<BoomerangConfigurationException>(() => schema.Check(Config(("Boomerang:Outer:Innr:FinishedJobsDays", "4"))));
        Assert.Contains("unknown setting Boomerang:Outer:Innr:FinishedJobsDays", outer.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_value_the_binder_cannot_convert_is_a_typed_configuration_error()
    {
        using var sp = Services(Config(("Boomerang:Jobs:LeaseSeconds", "fast")));
        var e = Assert.Throws<BoomerangConfigurationException>(() => sp.GetRequiredService<IOptions<JobsOptions>>().Value);
        Assert.Contains("Boomerang:Jobs:LeaseSeconds", e.Message);
    }

    [Fact]
    public void Start_failures_map_to_exit_codes_by_type()
    {
        Assert.Equal(2, StartFailure.Describe(new BoomerangConfigurationException("x"))!.Value.ExitCode);
        Assert.Equal(2, StartFailure.Describe(new OptionsValidationException("n", typeof(JobsOptions), ["bad"]))!.Value.ExitCode);
        Assert.Equal(2, StartFailure.Describe(new AggregateException(
            new OptionsValidationException("n", typeof(JobsOptions), ["a"]), new OptionsValidationException("m", typeof(AuthOptions), ["b"])))!.Value.ExitCode);
        Assert.Equal(3, StartFailure.Describe(new Boomerang.Server.Storage.StoreUnavailableException("down", new IOException()))!.Value.ExitCode);
        Assert.Equal(4, StartFailure.Describe(new IOException("Failed to bind", new Microsoft.AspNetCore.Connections.AddressInUseException("in use")))!.Value.ExitCode);
        Assert.Null(StartFailure.Describe(new InvalidOperationException("configuration is mentioned but this is a bug")));
    }

    private sealed class SampleOptions
    {
        public int FinishedJobsDays { get; set; } = 7;
        public List<string> Lists { get; set; } = [];
    }
}

public sealed class NamedTenantSettingsTests
{
    private static Exception? Start(params (string Key, string Value)[] values)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, (string?)v.Value))).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(config);
        services.AddBoomerangOptions();
        using var sp = services.BuildServiceProvider();
        return Record.Exception(() => sp.GetRequiredService<IOptions<AuthOptions>>().Value);
    }

    [Theory]
    [InlineData("Acme")]
    [InlineData("has space")]
    [InlineData("0123456789abcdef")]
    public void A_bad_tenant_name_is_refused(string name)
    {
        var e = Assert.IsType<OptionsValidationException>(Start(($"Boomerang:Auth:Tenants:{name}:Keys", "k")));
        Assert.Contains("Boomerang:Auth:Tenants:<name>", e.Message);
    }

    [Fact]
    public void A_key_listed_for_two_tenants_is_refused_without_showing_it()
    {
        var e = Assert.IsType<OptionsValidationException>(Start(
            ("Boomerang:Auth:Tenants:acme:Keys", "shared-secret-key"), ("Boomerang:Auth:ApiKeys", "shared-secret-key")));
        Assert.Contains("appears twice", e.Message);
        Assert.DoesNotContain("shared-secret-key", e.Message);
    }

    [Fact]
    public void A_tenant_without_keys_is_refused() =>
        Assert.IsType<OptionsValidationException>(Start(("Boomerang:Auth:Tenants:acme:Keys", "")));

    [Fact]
    public void Named_keys_act_for_the_name_and_plain_keys_for_their_hash()
    {
        var ring = ApiKeyRing.From(new AuthOptions
        {
            ApiKeys = ["plain"],
            Tenants = new() { ["acme"] = new NamedTenantOptions { Keys = ["k1", "k2"] } },
        });
        Assert.Equal("acme", ring.FindTenant("k1"));
        Assert.Equal("acme", ring.FindTenant("k2"));
        Assert.Equal(ApiKeyRing.TenantOf("plain"), ring.FindTenant("plain"));
        Assert.NotEqual(ring.Find("k1")!.KeyId, ring.Find("k2")!.KeyId);
        Assert.Null(ring.FindTenant("k3"));
    }
}
