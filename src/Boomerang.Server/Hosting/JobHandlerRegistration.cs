using Boomerang.Jobs;
using Boomerang.Server.Jobs;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers job handlers with a Boomerang server.</summary>
public static class JobHandlerRegistration
{
    /// <summary>Makes <paramref name="kind"/> a job kind run by <typeparamref name="THandler"/> (one instance per job, in its own scope).</summary>
    public static IServiceCollection AddJobHandler<THandler>(this IServiceCollection services, string kind)
        where THandler : class, IJobHandler
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(kind);
        services.AddKeyedScoped<IJobHandler, THandler>(kind);
        services.AddSingleton(new JobKindRegistration(kind));
        return services;
    }
}
