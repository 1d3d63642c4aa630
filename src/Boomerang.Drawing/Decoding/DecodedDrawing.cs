using Boomerang.Drawing.Dxf;

namespace Boomerang.Drawing.Decoding;

/// <summary>A decoded upload: its raster, and its vector content when it was a DXF (or a converted DWG).</summary>
public sealed record DecodedDrawing(DrawingFormat Format, GrayImage Image, DxfDocument? Dxf);
