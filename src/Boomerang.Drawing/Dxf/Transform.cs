namespace Boomerang.Drawing.Dxf;

/// <summary>A 2D affine transform (x' = a·x + b·y + c, y' = d·x + e·y + f).</summary>
internal readonly record struct Transform(double A, double B, double C, double D, double E, double F)
{
    public static Transform Identity => new(1, 0, 0, 0, 1, 0);

    public DxfPoint Apply(DxfPoint p) => new(A * p.X + B * p.Y + C, D * p.X + E * p.Y + F);

    /// <summary>This transform applied after the other: p ↦ this(other(p)).</summary>
    public Transform Compose(Transform o) => new(
        A * o.A + B * o.D, A * o.B + B * o.E, A * o.C + B * o.F + C,
        D * o.A + E * o.D, D * o.B + E * o.E, D * o.C + E * o.F + F);

    /// <summary>An INSERT placement inside this transform: scale, then rotate (degrees), then move to position.</summary>
    public Transform Then(DxfPoint position, double sx, double sy, double rotationDeg)
    {
        var r = rotationDeg * Math.PI / 180;
        var (cos, sin) = (Math.Cos(r), Math.Sin(r));
        return Compose(new Transform(cos * sx, -sin * sy, position.X, sin * sx, cos * sy, position.Y));
    }

    /// <summary>Block entities are relative to the block's base point.</summary>
    public Transform WithBase(DxfPoint basePoint) => Compose(new Transform(1, 0, -basePoint.X, 0, 1, -basePoint.Y));
}
