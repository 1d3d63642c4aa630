using Boomerang.Jobs;
using Boomerang.Server.Api;
using Boomerang.Server.Auth;
using Boomerang.Server.Background;
using Boomerang.Server.Callbacks;
using Boomerang.Server.Dedup2D;
using Boomerang.Server.Dashboard;
using Boomerang.Server.Jobs;
using Boomerang.Server.Metrics;
using Boomerang.Server.Storage;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Boomerang.Server.Configuration;

namespace Boomerang.Server.Hosting;

internal static class ServiceRegistration
{
    public static IServiceCollection AddBoomerangServer(this IServiceCollection services, IConfiguration configuration, ServerRoles roles)
    {
        services.AddBoomerangOptions();
        services.TryAddSingleton(TimeProvider.System);
        // The migrator first: hosted services start in order, so the storage's own loops (retention sweep, listener)
        // never run against a store that is not migrated yet.
        services.AddHostedService<StoreMigrator>();
        services.AddBoomerangStorage(configuration, wakesLoops: roles.Worker || roles.Dispatcher);
        services.AddBoomerangSetting(RetentionOptions.Section, typeof(RetentionOptions));
        services.AddSingleton(roles);
        services.AddSingleton<JobSignals>();
        services.AddSingleton<DeliveryHandOff>();
        services.AddSingleton<JobHandlers>();
        services.AddBoomerangCallbacks(roles.Dispatcher);
        services.AddBoomerangApi();
        services.AddSingleton<ApiKeyFilter>();
        services.AddSingleton<AdminToken>();
        services.AddSingleton<AdminTokenFilter>();
        services.AddBoomerangRateLimiting();
        services.AddJobHandler<EchoHandler>("echo");
        services.AddJobHandler<SleepHandler>("sleep");
        services.AddDedup2D(configuration);
        if (roles.Worker)
        {
            services.AddHostedService<JobWorker>();
        }
        services.AddOptions<HostOptions>().Configure<IOptions<JobsOptions>>((host, jobs) =>
            host.ShutdownTimeout = TimeSpan.FromSeconds(jobs.Value.ShutdownGraceSeconds + 10));
        services.AddBoomerangMetrics(configuration);
        services.AddBoomerangDashboard();
        services.AddOpenApi();
        return services;
    }
}
