using Boomerang.Drawing.Decoding;

namespace Boomerang.Server.Dedup2D.BuiltIn;

/// <summary>Settings of the built-in drawing engine (<c>Boomerang:Dedup2D:BuiltIn</c>).</summary>
internal sealed class BuiltInEngineOptions
{
    public const string Section = "Boomerang:Dedup2D:BuiltIn";

    /// <summary>Where indexed originals are kept (for diffs and rebuilds).</summary>
    public string DataDir { get; set; } = "data/dedup2d_drawings";
    /// <summary>Largest raster accepted, width × height from the header.</summary>
    public long MaxPixels { get; set; } = 100_000_000;
    /// <summary>Most DXF entities read before a file is refused.</summary>
    public int MaxDxfEntities { get; set; } = 1_000_000;
    /// <summary>poppler's pdftoppm (apt-get install poppler-utils).</summary>
    public string PdftoppmPath { get; set; } = "pdftoppm";
    /// <summary>Time a PDF or DWG conversion may take before it is killed.</summary>
    public double ConverterTimeoutSeconds { get; set; } = 20;
    /// <summary>Optional DWG→DXF command with {input} and {output} (the seed's DWG_CONVERTER); empty: DWG gets 415.</summary>
    public string DwgConverter { get; set; } = "";
    /// <summary>How often each node reads the index change sequence to follow adds and deletes made on other nodes.</summary>
    public double ChangePollSeconds { get; set; } = 1;
    /// <summary>How long changes are kept in the sequence (a node loads the whole index at start, so only changes made
    /// while it runs matter).</summary>
    public double ChangeRetentionHours { get; set; } = 24;
    /// <summary>Most files one bulk import (<c>index/add?async=true</c>) takes.</summary>
    public int MaxImportFiles { get; set; } = 1000;
    /// <summary>Largest bulk import body; each file is also held to <c>Boomerang:Dedup2D:MaxUploadBytes</c>.</summary>
    public long MaxImportBytes { get; set; } = 2L * 1024 * 1024 * 1024;

    public DrawingLimits Limits(long maxFileBytes) => new()
    {
        MaxFileBytes = maxFileBytes,
        MaxPixels = MaxPixels,
        MaxDxfEntities = MaxDxfEntities,
        PdftoppmPath = PdftoppmPath,
        ConverterTimeout = TimeSpan.FromSeconds(ConverterTimeoutSeconds),
        DwgConverter = string.IsNullOrWhiteSpace(DwgConverter) ? null : DwgConverter,
    };
}
