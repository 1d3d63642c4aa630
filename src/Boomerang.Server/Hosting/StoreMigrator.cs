using Boomerang.Server.Storage;

namespace Boomerang.Server.Hosting;

/// <summary>Applies schema migrations before any other hosted service starts.</summary>
internal sealed class StoreMigrator(IJobStore store) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => store.MigrateAsync(cancellationToken);
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
