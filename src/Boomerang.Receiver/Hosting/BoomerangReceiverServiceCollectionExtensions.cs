using Boomerang.Receiver;
using Boomerang.Receiver.Callbacks;
using Boomerang.Receiver.Hosting;
using Boomerang.Receiver.Tasks;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Boomerang callback receiver and task tracking.</summary>
public static class BoomerangReceiverServiceCollectionExtensions
{
    /// <summary>
    /// Registers callback verification and processing, the <see cref="ITaskStore"/> (SQLite, or PostgreSQL when
    /// <c>Boomerang:Tasks:PostgresConnectionString</c> is set; unless another one is registered), <see cref="TaskTracker"/> and the polling reconciler. Options are bound from <c>Boomerang:Receiver</c>
    /// and <c>Boomerang:Tasks</c>, then the actions run; invalid settings stop the host at start. Register a
    /// <see cref="Boomerang.Client.BoomerangClient"/> too (<c>AddBoomerangClient</c>): submission and polling use it.
    /// </summary>
    public static IServiceCollection AddBoomerangReceiver(
        this IServiceCollection services, Action<BoomerangReceiverOptions>? configure = null, Action<TaskTrackingOptions>? configureTasks = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var receiver = services.AddOptions<BoomerangReceiverOptions>().BindConfiguration(BoomerangReceiverOptions.Section);
        if (configure is not null)
        {
            receiver.Configure(configure);
        }
        receiver
            .Validate(ReceiverOptionsValidation.SecretsParse, "Boomerang:Receiver:Secrets: a secret is empty, or starts with whsec_ but is not base64")
            .Validate(o => o.RequireSignature != true || o.Secrets.Count > 0, "Boomerang:Receiver:RequireSignature needs at least one secret in Boomerang:Receiver:Secrets")
            .Validate(o => o.TimestampToleranceSeconds > 0, "Boomerang:Receiver:TimestampToleranceSeconds must be greater than 0")
            .Validate(o => o.MaxBodyBytes >= 1024, "Boomerang:Receiver:MaxBodyBytes must be at least 1024")
            .Validate(o => o.HandlerTimeoutSeconds > 0, "Boomerang:Receiver:HandlerTimeoutSeconds must be greater than 0")
            .ValidateOnStart();

        var tasks = services.AddOptions<TaskTrackingOptions>().BindConfiguration(TaskTrackingOptions.Section);
        if (configureTasks is not null)
        {
            tasks.Configure(configureTasks);
        }
        tasks
            .Validate(o => !string.IsNullOrWhiteSpace(o.DatabasePath), "Boomerang:Tasks:DatabasePath must not be empty")
            .Validate(o => PostgresTaskStore.IsValidSchema(o.PostgresSchema),
                "Boomerang:Tasks:PostgresSchema must be a lower-case identifier (a-z, 0-9, _; at most 63 characters)")
            .Validate(o => o.CallbackPath.StartsWith('/') && o.CallbackPath.Contains(TaskTrackingOptions.TaskIdPlaceholder, StringComparison.Ordinal),
                "Boomerang:Tasks:CallbackPath must start with '/' and contain {task_id}")
            .Validate(ReceiverOptionsValidation.HasUsableBaseUrl, "Boomerang:Tasks:CallbackBaseUrl must be an absolute http(s) URL when callbacks are enabled")
            .Validate(o => o.PollAfterSeconds > 0, "Boomerang:Tasks:PollAfterSeconds must be greater than 0")
            .Validate(o => o.ProcessedWebhookRetentionDays > 0, "Boomerang:Tasks:ProcessedWebhookRetentionDays must be greater than 0")
            .ValidateOnStart();

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ITaskStore>(sp => sp.GetRequiredService<IOptions<TaskTrackingOptions>>().Value is var o
            && !string.IsNullOrWhiteSpace(o.PostgresConnectionString)
                ? new PostgresTaskStore(o.PostgresConnectionString, o.PostgresSchema)
                : new SqliteTaskStore(o.DatabasePath));
        services.TryAddSingleton<ReceiverSecrets>();
        services.TryAddSingleton<CallbackProcessor>();
        services.TryAddSingleton<CallbackEndpoint>();
        services.TryAddSingleton<TaskTracker>();
        if (!services.Any(d => d.ImplementationType == typeof(TaskStoreMigrator)))
        {
            // The migrator goes first so the tables exist before the reconciler's first round.
            services.AddHostedService<TaskStoreMigrator>();
            services.AddHostedService<TaskReconciler>();
        }
        return services;
    }

    /// <summary><see cref="AddBoomerangReceiver"/>, plus <typeparamref name="THandler"/> as the scoped <see cref="ICallbackHandler"/>.</summary>
    public static IServiceCollection AddBoomerangReceiver<THandler>(
        this IServiceCollection services, Action<BoomerangReceiverOptions>? configure = null, Action<TaskTrackingOptions>? configureTasks = null)
        where THandler : class, ICallbackHandler
    {
        services.AddBoomerangReceiver(configure, configureTasks);
        services.TryAddScoped<ICallbackHandler, THandler>();
        return services;
    }
}
