using Microsoft.Extensions.Options;

namespace Boomerang.Server.Dedup2D.Engine;

/// <summary>The engine <c>Boomerang:Dedup2D:Engine</c> names, or a clear 503 when none by that name is registered.</summary>
internal sealed class EngineSelector(IEnumerable<IDrawingEngine> engines, IOptions<Dedup2DOptions> options)
{
    private readonly IDrawingEngine? _engine = engines.LastOrDefault(e => e.Name == options.Value.EffectiveEngine);

    public IDrawingEngine Engine => _engine ?? throw new DrawingEngineException(503,
        $"no Dedup2D search engine available: the '{options.Value.EffectiveEngine}' engine is not part of this server; " +
        "set DEDUPCAD_VISION_URL (or Boomerang:Dedup2D:VisionUrl) to use a dedupcad-vision service");
}
