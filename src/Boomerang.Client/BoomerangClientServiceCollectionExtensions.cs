using Boomerang.Client;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="BoomerangClient"/>.</summary>
public static class BoomerangClientServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="BoomerangClient"/> as a typed HTTP client. Options are bound from the
    /// <c>Boomerang:Client</c> section, then <paramref name="configure"/> runs; a missing or relative base address
    /// stops the host at start.
    /// </summary>
    /// <returns>The HTTP client builder, to add handlers or resilience.</returns>
    public static IHttpClientBuilder AddBoomerangClient(this IServiceCollection services, Action<BoomerangClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<BoomerangClientOptions>().BindConfiguration(BoomerangClientOptions.Section);
        if (configure is not null)
        {
            options.Configure(configure);
        }
        options
            .Validate(o => o.BaseAddress is { IsAbsoluteUri: true }, "Boomerang:Client:BaseAddress must be an absolute URL")
            .Validate(o => o.RequestTimeoutSeconds > 0, "Boomerang:Client:RequestTimeoutSeconds must be greater than 0")
            .Validate(o => o.MaxWaitPollIntervalSeconds > 0, "Boomerang:Client:MaxWaitPollIntervalSeconds must be greater than 0")
            .ValidateOnStart();
        return services.AddHttpClient<BoomerangClient, BoomerangClient>((http, sp) =>
        {
            var o = sp.GetRequiredService<IOptions<BoomerangClientOptions>>().Value;
            http.Timeout = TimeSpan.FromSeconds(o.RequestTimeoutSeconds);
            return new BoomerangClient(http, o, sp.GetService<TimeProvider>());
        });
    }
}
