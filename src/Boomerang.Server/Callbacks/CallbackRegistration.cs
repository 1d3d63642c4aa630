using Boomerang.Callbacks;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Boomerang.Server.Configuration;

namespace Boomerang.Server.Callbacks;

internal static class CallbackRegistration
{
    public const string HttpClientName = "boomerang-callbacks";

    public static IServiceCollection AddBoomerangCallbacks(this IServiceCollection services, bool dispatch)
    {
        services.AddBoomerangSection<CallbacksOptions>(CallbacksOptions.Section)
            .Validate(o => o.TimeoutSeconds is > 0 and <= 300, "Boomerang:Callbacks:TimeoutSeconds must be in (0, 300]")
            .Validate(o => o.MaxAttempts is >= 1 and <= 100, "Boomerang:Callbacks:MaxAttempts must be 1..100")
            .Validate(o => o.BackoffBaseSeconds >= 0, "Boomerang:Callbacks:BackoffBaseSeconds must not be negative")
            .Validate(o => o.BackoffMaxSeconds >= o.BackoffBaseSeconds, "Boomerang:Callbacks:BackoffMaxSeconds must be at least BackoffBaseSeconds")
            .Validate(o => o.RetryAfterMaxSeconds >= 0, "Boomerang:Callbacks:RetryAfterMaxSeconds must not be negative")
            .Validate(o => o.Concurrency is >= 1 and <= 4096, "Boomerang:Callbacks:Concurrency must be 1..4096")
            .Validate(o => o.PerHostConcurrency is >= 1 and <= 1024, "Boomerang:Callbacks:PerHostConcurrency must be 1..1024")
            .Validate(o => o.CircuitFailureThreshold >= 1, "Boomerang:Callbacks:CircuitFailureThreshold must be at least 1")
            .Validate(o => o.CircuitOpenSeconds > 0, "Boomerang:Callbacks:CircuitOpenSeconds must be greater than 0")
            .Validate(o => o.PollIntervalSeconds is > 0 and <= 60, "Boomerang:Callbacks:PollIntervalSeconds must be in (0, 60]")
            .Validate(o => o.MaxResponseBytes >= 1024, "Boomerang:Callbacks:MaxResponseBytes must be at least 1024")
            .Validate(o => o.AllowedNetworks.All(n => IpNetwork.TryParse(n.Trim(), out _)),
                "Boomerang:Callbacks:AllowedNetworks must be CIDR networks such as 127.0.0.0/8")
            .ValidateOnStart();
        services.AddBoomerangSection<Dictionary<string, TenantSettings>>("Boomerang:Tenants");
        services.TryAddSingleton<IHostResolver, SystemHostResolver>();
        services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<CallbacksOptions>>().Value;
            var policy = new CallbackUrlPolicyOptions { AllowHttp = o.AllowHttp, BlockPrivateNetworks = o.BlockPrivateNetworks, ResolveDns = o.ResolveDns };
            foreach (var host in o.Allowlist.Where(h => !string.IsNullOrWhiteSpace(h)))
            {
                policy.Allowlist.Add(host.Trim().ToLowerInvariant());
            }
            foreach (var network in o.AllowedNetworks.Where(n => !string.IsNullOrWhiteSpace(n)))
            {
                policy.AllowedNetworks.Add(network.Trim());
            }
            try
            {
                return new CallbackUrlPolicy(policy);
            }
            catch (ArgumentException e)
            {
                // AllowedNetworks were validated with the options above, so what the policy refuses is an allowlist entry.
                throw new OptionsValidationException(nameof(o.Allowlist), typeof(CallbacksOptions), [$"Boomerang:Callbacks:Allowlist: {e.Message}"]);
            }
        });
        services.AddSingleton<CallbackSigning>();
        services.AddSingleton<CallbackIntake>();
        services.AddSingleton<HostGates>();
        services.AddHttpClient(HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(sp => SafeCallbackHandler.Create(sp.GetRequiredService<CallbackUrlPolicy>(),
                sp.GetRequiredService<IHostResolver>(), sp.GetRequiredService<IOptions<CallbacksOptions>>().Value))
            .ConfigureHttpClient(c => c.Timeout = Timeout.InfiniteTimeSpan)
            .RemoveAllLoggers();
        services.AddSingleton(sp => new CallbackSender(
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName), sp.GetRequiredService<CallbackUrlPolicy>(),
            sp.GetRequiredService<CallbackSigning>(), sp.GetRequiredService<IOptions<CallbacksOptions>>(), sp.GetRequiredService<TimeProvider>()));
        if (dispatch)
        {
            services.AddHostedService<CallbackDispatcher>();
        }
        return services;
    }
}
