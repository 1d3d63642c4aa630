using Microsoft.Extensions.Options;

namespace Boomerang.Server.Configuration;

/// <summary>
/// The one way a feature declares its settings: binds the section (lists in either form), validates it at start, and
/// makes its keys known to the unknown-key check.
/// </summary>
internal static class BoomerangSections
{
    /// <summary>
    /// Binds <typeparamref name="TOptions"/> from <paramref name="path"/> (e.g. <c>"Boomerang:Retention"</c>) with
    /// <c>ValidateOnStart</c>; chain <c>.Validate(...)</c> for the feature's own rules. The keys the section may hold are
    /// read from the type by reflection: public properties, lists (<c>X:0</c> or <c>"a,b"</c>), string-keyed dictionaries
    /// (<c>Tenants:&lt;id&gt;:…</c>) and nested objects.
    /// </summary>
    public static OptionsBuilder<TOptions> AddBoomerangSection<TOptions>(this IServiceCollection services, string path)
        where TOptions : class
    {
        services.BoomerangSchema().Add(path, typeof(TOptions));
        services.AddSingleton<IOptionsChangeTokenSource<TOptions>>(sp =>
            new ConfigurationChangeTokenSource<TOptions>(Options.DefaultName, sp.GetRequiredService<IConfiguration>()));
        return services.AddOptions<TOptions>()
            .Configure<IConfiguration>((options, configuration) => SectionBinder.Bind(configuration.GetSection(path), options))
            .ValidateOnStart();
    }

    /// <summary>Declares a setting read without options (e.g. <c>Boomerang:Roles</c>, read before services are built).</summary>
    public static IServiceCollection AddBoomerangSetting(this IServiceCollection services, string path, Type type)
    {
        services.BoomerangSchema().Add(path, type);
        return services;
    }

    /// <summary>The schema the registrations fill; one per service collection.</summary>
    public static ConfigurationSchema BoomerangSchema(this IServiceCollection services)
    {
        if (services.FirstOrDefault(d => d.ServiceType == typeof(ConfigurationSchema))?.ImplementationInstance is ConfigurationSchema schema)
        {
            return schema;
        }
        schema = new ConfigurationSchema();
        services.AddSingleton(schema);
        return schema;
    }
}
