namespace Boomerang.Server.Configuration;

/// <summary>
/// A list setting in either form: indexed (<c>Boomerang__Roles__0=api</c>, a JSON array) or one comma-separated value
/// (<c>Boomerang__Roles=api,worker</c>). Items are trimmed; an empty item, or both forms at once, is a bad setting.
/// </summary>
internal static class ConfigList
{
    /// <summary>The items, or null when the setting is absent.</summary>
    public static IReadOnlyList<string>? Read(IConfigurationSection section)
    {
        var children = section.GetChildren().ToList();
        if (section.Value is { } value)
        {
            if (children.Count > 0)
            {
                throw new BoomerangConfigurationException(
                    $"{section.Path} is set both as a comma-separated value and as a list ({children[0].Path}); use one form");
            }
            if (string.IsNullOrWhiteSpace(value))
            {
                return [];
            }
            var items = value.Split(',', StringSplitOptions.TrimEntries);
            return items.Any(i => i.Length == 0)
                ? throw new BoomerangConfigurationException($"{section.Path} has an empty item in '{Redact(section.Path, value)}'")
                : items;
        }
        if (children.Count == 0)
        {
            return null;
        }
        var indexed = new List<(int Index, string Item)>();
        foreach (var child in children)
        {
            if (!int.TryParse(child.Key, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index))
            {
                throw new BoomerangConfigurationException($"unknown setting {child.Path}: {section.Path} is a list (use {section.Path}:0, :1, … or a comma-separated value)");
            }
            if (child.GetChildren().Any())
            {
                throw new BoomerangConfigurationException($"unknown setting {child.GetChildren().First().Path}: items of {section.Path} are plain values");
            }
            if (string.IsNullOrWhiteSpace(child.Value))
            {
                throw new BoomerangConfigurationException($"{child.Path} is empty; remove it or give it a value");
            }
            indexed.Add((index, child.Value.Trim()));
        }
        return indexed.OrderBy(i => i.Index).Select(i => i.Item).ToList();
    }

    // Secrets and keys never reach an error message.
    private static string Redact(string path, string value) =>
        path.Contains("Secret", StringComparison.OrdinalIgnoreCase) || path.Contains("Key", StringComparison.OrdinalIgnoreCase)
            || path.Contains("Token", StringComparison.OrdinalIgnoreCase)
            ? string.Join(",", value.Split(',').Select(i => string.IsNullOrWhiteSpace(i) ? "" : "***"))
            : value;
}
