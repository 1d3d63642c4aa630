namespace Boomerang.Server.Dedup2D.Search;

/// <summary>Why a search must run as a job (reference §5.3); first rule that matches wins; null when it may run inline.</summary>
internal static class ForcedAsync
{
    public static string? Reason(Dedup2DOptions o, long fileSize, bool enablePrecision, bool hasGeomJson, string effectiveMode)
    {
        var threshold = o.ForcedAsyncFileSizeBytes;
        if (threshold > 0 && fileSize > threshold)
        {
            return $"file_size>{Math.Max(1, threshold / 1048576)}MB";
        }
        if (o.ForcedAsyncOnPrecision && enablePrecision && hasGeomJson)
        {
            return "enable_precision_with_geom_json";
        }
        if (o.ForcedAsyncOnModePrecise && effectiveMode == "precise")
        {
            return "mode=precise";
        }
        return null;
    }
}
