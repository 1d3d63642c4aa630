using Boomerang.Receiver.Tasks;
using Microsoft.Extensions.Hosting;

namespace Boomerang.Receiver.Hosting;

/// <summary>Creates or upgrades the task tables before the app takes requests.</summary>
internal sealed class TaskStoreMigrator(ITaskStore store) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => store.MigrateAsync(cancellationToken);
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
