using Boomerang.Server.Dedup2D.Engine;
using Boomerang.Server.Storage;
using Microsoft.Extensions.Options;
using Boomerang.Server.Configuration;

namespace Boomerang.Server.Dedup2D.BuiltIn;

internal static class BuiltInRegistration
{
    /// <summary>The built-in engine (always registered; <see cref="EngineSelector"/> picks it when no vision URL is set),
    /// its options and the start-up index load.</summary>
    public static IServiceCollection AddBuiltInDrawingEngine(this IServiceCollection services)
    {
        services.AddBoomerangSection<BuiltInEngineOptions>(BuiltInEngineOptions.Section)
            .Validate(o => !string.IsNullOrWhiteSpace(o.DataDir), "Boomerang:Dedup2D:BuiltIn:DataDir must not be empty")
            .Validate(o => o.MaxPixels >= 1_000_000, "Boomerang:Dedup2D:BuiltIn:MaxPixels must be at least 1000000")
            .Validate(o => o.MaxDxfEntities >= 1000, "Boomerang:Dedup2D:BuiltIn:MaxDxfEntities must be at least 1000")
            .Validate(o => o.ConverterTimeoutSeconds is > 0 and <= 600, "Boomerang:Dedup2D:BuiltIn:ConverterTimeoutSeconds must be in (0, 600]")
            .Validate(o => !string.IsNullOrWhiteSpace(o.PdftoppmPath), "Boomerang:Dedup2D:BuiltIn:PdftoppmPath must not be empty")
            .Validate(o => string.IsNullOrWhiteSpace(o.DwgConverter)
                    || o.DwgConverter.Contains("{input}", StringComparison.Ordinal) && o.DwgConverter.Contains("{output}", StringComparison.Ordinal),
                "Boomerang:Dedup2D:BuiltIn:DwgConverter (DWG_CONVERTER) must be a command naming both {input} and {output}, e.g. 'dwg2dxf {input} {output}'")
            .Validate(o => o.ChangePollSeconds is >= 0.05 and <= 60, "Boomerang:Dedup2D:BuiltIn:ChangePollSeconds must be in [0.05, 60]")
            .Validate(o => o.ChangeRetentionHours is >= 0.1 and <= 24 * 365, "Boomerang:Dedup2D:BuiltIn:ChangeRetentionHours must be in [0.1, 8760]")
            .Validate(o => o.MaxImportFiles is >= 1 and <= 100_000, "Boomerang:Dedup2D:BuiltIn:MaxImportFiles must be in [1, 100000]")
            .Validate(o => o.MaxImportBytes >= 1024, "Boomerang:Dedup2D:BuiltIn:MaxImportBytes must be at least 1024");
        services.AddSingleton<BuiltInEngine>();
        services.AddSingleton<IDrawingEngine>(sp => sp.GetRequiredService<BuiltInEngine>());
        services.AddHostedService<BuiltInIndexLoader>();
        services.AddHostedService<BuiltInIndexFollower>();
        return services;
    }
}

/// <summary>Loads the built-in index at start when it is the selected engine, so the first search does not pay for it. A
/// store that is not reachable yet is waited for, as <see cref="StoreMigrator"/> does (same deadline); past it the
/// process stops with the store-unavailable exit code rather than an unhandled exception.</summary>
internal sealed partial class BuiltInIndexLoader(BuiltInEngine engine, IOptions<Dedup2DOptions> options, IOptions<StorageOptions> storage,
    TimeProvider time, ILogger<BuiltInIndexLoader> log) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.EffectiveEngine != "builtin")
        {
            return;
        }
        await StartupWait.RunAsync(storage.Value, time, engine.EnsureLoadedAsync, reason => LogWaiting(log, reason), cancellationToken)
            .ConfigureAwait(false);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 9103, Level = LogLevel.Warning, Message = "Built-in drawing engine: store not reachable at start ({Reason}); waiting for it")]
    private static partial void LogWaiting(ILogger logger, string reason);
}
