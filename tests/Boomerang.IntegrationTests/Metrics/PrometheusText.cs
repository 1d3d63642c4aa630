using System.Globalization;
using System.Text.RegularExpressions;

namespace Boomerang.IntegrationTests.Metrics;

/// <summary>A parsed Prometheus text exposition: each sample line as name, labels and value.</summary>
public sealed partial class PrometheusText(string text)
{
    public string Text => text;

    public IEnumerable<(string Name, IReadOnlyDictionary<string, string> Labels, double Value)> Samples()
    {
        foreach (var line in text.Split('\n'))
        {
            var m = SampleLine().Match(line.TrimEnd('\r'));
            if (!m.Success)
            {
                continue;
            }
            var labels = LabelPair().Matches(m.Groups[2].Value).ToDictionary(l => l.Groups[1].Value, l => l.Groups[2].Value);
            yield return (m.Groups[1].Value, labels, double.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture));
        }
    }

    /// <summary>The value of the one sample with this name whose labels include <paramref name="labels"/>; null when absent.</summary>
    public double? Value(string name, params (string Key, string Value)[] labels)
    {
        var matches = Samples().Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Key, out var v) && v == l.Value)).ToList();
        return matches.Count switch
        {
            0 => null,
            1 => matches[0].Value,
            _ => throw new InvalidOperationException($"{matches.Count} samples of {name} match; add labels:\n{string.Join("\n", text.Split('\n').Where(l => l.StartsWith(name, StringComparison.Ordinal)))}"),
        };
    }

    public bool HasFamily(string name) => text.Contains($"# TYPE {name} ", StringComparison.Ordinal);

    [GeneratedRegex(@"^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? ([^ ]+)(?: \d+)?$")]
    private static partial Regex SampleLine();

    [GeneratedRegex(@"([a-zA-Z_][a-zA-Z0-9_]*)=""((?:[^""\\]|\\.)*)""")]
    private static partial Regex LabelPair();
}
