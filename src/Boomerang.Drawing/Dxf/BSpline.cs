namespace Boomerang.Drawing.Dxf;

/// <summary>De Boor evaluation of a (non-rational) B-spline, for drawing SPLINE entities as polylines.</summary>
internal static class BSpline
{
    public static List<DxfPoint> Evaluate(IReadOnlyList<DxfPoint> control, IReadOnlyList<double> knots, int degree, int segments)
    {
        var n = control.Count;
        if (n < 2 || degree < 1 || knots.Count != n + degree + 1) return [.. control];
        var lo = knots[degree];
        var hi = knots[n];
        if (!(hi > lo)) return [.. control];
        var result = new List<DxfPoint>(segments + 1);
        var d = new DxfPoint[degree + 1];
        for (var s = 0; s <= segments; s++)
        {
            var t = lo + (hi - lo) * s / segments;
            var k = degree;
            while (k < n - 1 && t >= knots[k + 1]) k++;
            for (var j = 0; j <= degree; j++) d[j] = control[j + k - degree];
            for (var r = 1; r <= degree; r++)
                for (var j = degree; j >= r; j--)
                {
                    var i = j + k - degree;
                    var den = knots[i + degree - r + 1] - knots[i];
                    var a = den == 0 ? 0 : (t - knots[i]) / den;
                    d[j] = new DxfPoint((1 - a) * d[j - 1].X + a * d[j].X, (1 - a) * d[j - 1].Y + a * d[j].Y);
                }
            result.Add(d[degree]);
        }
        return result;
    }
}
