using Boomerang.Server.Dedup2D.Api;
using Boomerang.Server.Dedup2D.BuiltIn;
using Boomerang.Server.Dedup2D.Engine;
using Boomerang.Server.Dedup2D.Index;
using Boomerang.Server.Dedup2D.Jobs;
using Boomerang.Server.Dedup2D.Precision;
using Boomerang.Server.Dedup2D.Search;
using Boomerang.Server.Dedup2D.Storage;
using Microsoft.Extensions.Options;
using Boomerang.Server.Configuration;

namespace Boomerang.Server.Dedup2D;

internal static class Dedup2DRegistration
{
    public static readonly string[] SectionWeightNames = ["entities", "layers", "dimensions", "text", "blocks"];

    public static IServiceCollection AddDedup2D(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddBoomerangSection<Dedup2DOptions>(Dedup2DOptions.Section)
            .Validate(o => o.EffectiveEngine is "builtin" or "dedupcad-vision", "Boomerang:Dedup2D:Engine must be 'builtin' or 'dedupcad-vision'")
            .Validate(o => o.EffectiveEngine != "dedupcad-vision" || Uri.TryCreate(o.VisionUrl, UriKind.Absolute, out var u) && u.Scheme is "http" or "https",
                "Boomerang:Dedup2D:VisionUrl (DEDUPCAD_VISION_URL) must be an absolute http(s) URL when the engine is dedupcad-vision")
            .Validate(o => o.Vision.TimeoutSeconds > 0, "Boomerang:Dedup2D:Vision:TimeoutSeconds must be greater than 0")
            .Validate(o => o.Vision.RetryMaxAttempts is >= 1 and <= 10, "Boomerang:Dedup2D:Vision:RetryMaxAttempts must be 1..10")
            .Validate(o => o.Vision.RetryBaseDelaySeconds >= 0 && o.Vision.RetryMaxDelaySeconds >= 0, "Boomerang:Dedup2D:Vision:Retry*DelaySeconds must not be negative")
            .Validate(o => o.Vision.CircuitFailureThreshold >= 2, "Boomerang:Dedup2D:Vision:CircuitFailureThreshold must be at least 2")
            .Validate(o => o.Vision.CircuitRecoveryTimeoutSeconds >= 0.5, "Boomerang:Dedup2D:Vision:CircuitRecoveryTimeoutSeconds must be at least 0.5")
            .Validate(o => o.MaxUploadBytes >= 1024, "Boomerang:Dedup2D:MaxUploadBytes must be at least 1024")
            .Validate(o => !string.IsNullOrWhiteSpace(o.UploadDir), "Boomerang:Dedup2D:UploadDir must not be empty")
            .Validate(o => o.UploadRetentionSeconds >= 0, "Boomerang:Dedup2D:UploadRetentionSeconds must not be negative")
            .Validate(o => o.SectionWeights.All(w => SectionWeightNames.Contains(w.Key, StringComparer.OrdinalIgnoreCase) && w.Value >= 0),
                $"Boomerang:Dedup2D:SectionWeights keys must be {string.Join(", ", SectionWeightNames)} with values >= 0");

        var options = configuration.GetSection(Dedup2DOptions.Section).Get<Dedup2DOptions>() ?? new Dedup2DOptions();
        if (options.EffectiveEngine == "dedupcad-vision")
        {
            services.AddDedupcadVision();
        }
        services.AddBuiltInDrawingEngine();
        services.AddSingleton<EngineSelector>();
        services.AddDedup2DStorage(configuration);
        services.AddSingleton<UploadStorage>();
        services.AddSingleton<UploadReader>();
        services.AddHostedService<UploadSweep>();
        services.AddSingleton<GeometryScorer>();
        services.AddSingleton<PrecisionOverlay>();
        services.AddSingleton<SearchPipeline>();
        services.AddJobHandler<Dedup2DSearchHandler>(Dedup2DSearchHandler.Kind);
        services.AddJobHandler<IndexRebuildHandler>(IndexRebuildHandler.Kind);
        services.AddJobHandler<IndexImportHandler>(IndexImportHandler.Kind);
        return services;
    }

    public static IEndpointRouteBuilder MapDedup2D(this IEndpointRouteBuilder app)
    {
        _ = app.ServiceProvider.GetRequiredService<IOptions<Dedup2DOptions>>();
        app.MapDedup2DApi();
        return app;
    }
}
