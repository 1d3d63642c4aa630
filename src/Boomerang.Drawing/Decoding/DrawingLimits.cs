namespace Boomerang.Drawing.Decoding;

/// <summary>Bounds on what one drawing may cost to decode; all are checked before the expensive work starts.</summary>
public sealed class DrawingLimits
{
    /// <summary>Largest accepted file, in bytes.</summary>
    public long MaxFileBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Largest accepted raster (width × height, from the header), e.g. 100 megapixels.</summary>
    public long MaxPixels { get; set; } = 100_000_000;

    /// <summary>Largest accepted side of a raster, in pixels.</summary>
    public int MaxDimension { get; set; } = 30_000;

    /// <summary>Most DXF entities (model space plus blocks) read before the file is refused.</summary>
    public int MaxDxfEntities { get; set; } = 1_000_000;

    /// <summary>Deepest nesting of block INSERTs followed when rendering.</summary>
    public int MaxBlockDepth { get; set; } = 8;

    /// <summary>Most primitives drawn after INSERT expansion (guards against block bombs).</summary>
    public int MaxRenderedPrimitives { get; set; } = 2_000_000;

    /// <summary>Resolution PDFs are rasterised at (first page only).</summary>
    public int PdfDpi { get; set; } = 100;

    /// <summary>Longest side, in pixels, of a rasterised PDF page (pdftoppm -scale-to).</summary>
    public int PdfMaxSide { get; set; } = 3000;

    /// <summary>Time the PDF (or DWG) converter may take before it is killed.</summary>
    public TimeSpan ConverterTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>The <c>pdftoppm</c> executable (Debian: <c>apt-get install poppler-utils</c>).</summary>
    public string PdftoppmPath { get; set; } = "pdftoppm";

    /// <summary>Optional DWG→DXF converter command (the seed's <c>DWG_CONVERTER</c>): <c>{input}</c> and <c>{output}</c>
    /// are replaced by file paths. Null: DWG uploads get 415.</summary>
    public string? DwgConverter { get; set; }

    /// <summary>Side of the square canvas DXF drawings are rendered on.</summary>
    public int DxfRenderSize { get; set; } = 1024;
}
