using Boomerang.Server.Dedup2D.Engine;
using Microsoft.Extensions.Options;

namespace Boomerang.Server.Dedup2D.BuiltIn;

internal static class BuiltInRegistration
{
    /// <summary>The built-in engine (always registered; <see cref="EngineSelector"/> picks it when no vision URL is set),
    /// its options and the start-up index load.</summary>
    public static IServiceCollection AddBuiltInDrawingEngine(this IServiceCollection services)
    {
        services.AddOptions<BuiltInEngineOptions>().BindConfiguration(BuiltInEngineOptions.Section)
            .Validate(o => !string.IsNullOrWhiteSpace(o.DataDir), "Boomerang:Dedup2D:BuiltIn:DataDir must not be empty")
            .Validate(o => o.MaxPixels >= 1_000_000, "Boomerang:Dedup2D:BuiltIn:MaxPixels must be at least 1000000")
            .Validate(o => o.MaxDxfEntities >= 1000, "Boomerang:Dedup2D:BuiltIn:MaxDxfEntities must be at least 1000")
            .Validate(o => o.ConverterTimeoutSeconds is > 0 and <= 600, "Boomerang:Dedup2D:BuiltIn:ConverterTimeoutSeconds must be in (0, 600]")
            .Validate(o => !string.IsNullOrWhiteSpace(o.PdftoppmPath), "Boomerang:Dedup2D:BuiltIn:PdftoppmPath must not be empty")
            .ValidateOnStart();
        services.AddSingleton<DrawingRowStore>();
        services.AddSingleton<BuiltInEngine>();
        services.AddSingleton<IDrawingEngine>(sp => sp.GetRequiredService<BuiltInEngine>());
        services.AddHostedService<BuiltInIndexLoader>();
        return services;
    }
}

/// <summary>Loads the built-in index at start when it is the selected engine, so the first search does not pay for it.</summary>
internal sealed class BuiltInIndexLoader(BuiltInEngine engine, IOptions<Dedup2DOptions> options) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) =>
        options.Value.EffectiveEngine == "builtin" ? engine.EnsureLoadedAsync(cancellationToken) : Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
