namespace Boomerang.Drawing.Dxf;

/// <summary>A 2D point in drawing units.</summary>
public readonly record struct DxfPoint(double X, double Y);

/// <summary>One entity of a DXF drawing, on a layer.</summary>
public abstract record DxfEntity(string Layer)
{
    /// <summary>The DXF type name, e.g. LINE.</summary>
    public abstract string Type { get; }
}

/// <summary>LINE.</summary>
public sealed record DxfLine(string Layer, DxfPoint Start, DxfPoint End) : DxfEntity(Layer) { /** <inheritdoc/> */ public override string Type => "LINE"; }

/// <summary>CIRCLE.</summary>
public sealed record DxfCircle(string Layer, DxfPoint Center, double Radius) : DxfEntity(Layer) { /** <inheritdoc/> */ public override string Type => "CIRCLE"; }

/// <summary>ARC, angles in degrees counter-clockwise.</summary>
public sealed record DxfArc(string Layer, DxfPoint Center, double Radius, double StartAngle, double EndAngle) : DxfEntity(Layer)
{ /** <inheritdoc/> */ public override string Type => "ARC"; }

/// <summary>ELLIPSE: major axis endpoint relative to the centre, minor/major ratio, parameters in radians.</summary>
public sealed record DxfEllipse(string Layer, DxfPoint Center, DxfPoint MajorAxis, double Ratio, double StartParam, double EndParam)
    : DxfEntity(Layer) { /** <inheritdoc/> */ public override string Type => "ELLIPSE"; }

/// <summary>LWPOLYLINE or POLYLINE (with VERTEX), or a SPLINE / LEADER flattened to its points. Bulges per vertex.</summary>
public sealed record DxfPolyline(string Layer, string SourceType, IReadOnlyList<DxfPoint> Points, IReadOnlyList<double> Bulges, bool Closed)
    : DxfEntity(Layer) { /** <inheritdoc/> */ public override string Type => SourceType; }

/// <summary>TEXT or MTEXT (formatting codes removed).</summary>
public sealed record DxfText(string Layer, string SourceType, DxfPoint Position, double Height, double Rotation, string Value)
    : DxfEntity(Layer) { /** <inheritdoc/> */ public override string Type => SourceType; }

/// <summary>INSERT of a block.</summary>
public sealed record DxfInsert(string Layer, string Block, DxfPoint Position, double ScaleX, double ScaleY, double Rotation)
    : DxfEntity(Layer) { /** <inheritdoc/> */ public override string Type => "INSERT"; }

/// <summary>DIMENSION: its anonymous block holds the drawn geometry.</summary>
public sealed record DxfDimension(string Layer, string? Block, int DimensionType, DxfPoint DefinitionPoint, DxfPoint TextPoint,
    double? Measurement, string Text) : DxfEntity(Layer) { /** <inheritdoc/> */ public override string Type => "DIMENSION"; }

/// <summary>HATCH: its boundary loops, flattened to closed polylines.</summary>
public sealed record DxfHatch(string Layer, string Pattern, bool Solid, IReadOnlyList<IReadOnlyList<DxfPoint>> Loops)
    : DxfEntity(Layer) { /** <inheritdoc/> */ public override string Type => "HATCH"; }

/// <summary>A block definition.</summary>
public sealed record DxfBlock(string Name, DxfPoint BasePoint, IReadOnlyList<DxfEntity> Entities);

/// <summary>A layer from the LAYER table.</summary>
public sealed record DxfLayer(string Name, int Color);

/// <summary>A parsed ASCII DXF drawing.</summary>
public sealed record DxfDocument(
    IReadOnlyList<DxfEntity> Entities,
    IReadOnlyDictionary<string, DxfBlock> Blocks,
    IReadOnlyDictionary<string, DxfLayer> Layers,
    IReadOnlyDictionary<string, string> Header);
