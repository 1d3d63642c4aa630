using System.Globalization;

namespace Boomerang.Bench;

internal static class Stats
{
    public static double Percentile(IReadOnlyCollection<double> values, double p)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }
        var sorted = values.Order().ToArray();
        return sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
    }

    public static string Summary(IReadOnlyCollection<double> ms) => string.Format(CultureInfo.InvariantCulture,
        "p50 {0:F1} ms, p90 {1:F1} ms, p99 {2:F1} ms, max {3:F1} ms",
        Percentile(ms, 50), Percentile(ms, 90), Percentile(ms, 99), ms.Count == 0 ? double.NaN : ms.Max());
}
