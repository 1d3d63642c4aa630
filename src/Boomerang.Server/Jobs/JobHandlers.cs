using Boomerang.Jobs;
using Microsoft.Extensions.Options;

namespace Boomerang.Server.Jobs;

internal sealed record JobKindRegistration(string Kind);

/// <summary>Which job kinds exist (handlers registered in DI and configured commands) and how to get a handler.</summary>
internal sealed class JobHandlers(IEnumerable<JobKindRegistration> registered, IOptions<JobsOptions> options, ILoggerFactory logs)
{
    private readonly HashSet<string> _registered = registered.Select(r => r.Kind).ToHashSet(StringComparer.Ordinal);

    public bool IsKnown(string kind) => _registered.Contains(kind) || options.Value.Commands.ContainsKey(kind);

    public IEnumerable<string> Kinds => _registered.Concat(options.Value.Commands.Keys).Order(StringComparer.Ordinal);

    public IJobHandler Resolve(IServiceProvider scope, string kind) =>
        _registered.Contains(kind) ? scope.GetRequiredKeyedService<IJobHandler>(kind)
        : options.Value.Commands.TryGetValue(kind, out var command) ? new CommandJobHandler(command, logs.CreateLogger<CommandJobHandler>())
        : throw new InvalidOperationException($"no handler for job kind '{kind}'");
}
