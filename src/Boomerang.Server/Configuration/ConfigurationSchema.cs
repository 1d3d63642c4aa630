namespace Boomerang.Server.Configuration;

/// <summary>
/// Every setting the process knows under <c>Boomerang:</c>, gathered from the sections features register
/// (<see cref="BoomerangSections.AddBoomerangSection{TOptions}"/>). <see cref="Check"/> names each key nothing reads,
/// so a typo stops the process instead of silently falling back to a default.
/// </summary>
internal sealed class ConfigurationSchema
{
    public const string Root = "Boomerang";
    private readonly Node _root = new();

    /// <summary>Declares <paramref name="path"/> (e.g. <c>Boomerang:Jobs</c>) as read into <paramref name="type"/>.</summary>
    public void Add(string path, Type type)
    {
        var segments = path.Split(':');
        if (segments.Length < 2 || !segments[0].Equals(Root, StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"a Boomerang setting path starts with '{Root}:'; got '{path}'", nameof(path));
        }
        var node = _root;
        foreach (var segment in segments.Skip(1))
        {
            node = node.Children.TryGetValue(segment, out var next) ? next : node.Children[segment] = new Node();
        }
        node.Type = node.Type is null || node.Type == type ? type
            : throw new ArgumentException($"{path} is registered twice with different types ({node.Type.Name}, {type.Name})", nameof(type));
    }

    public IEnumerable<string> Paths => Walk(_root, Root);

    /// <summary>Throws <see cref="BoomerangConfigurationException"/> naming every unknown key under <c>Boomerang:</c>.</summary>
    public void Check(IConfiguration configuration)
    {
        var unknown = new List<string>();
        CheckNode(configuration.GetSection(Root), _root, unknown);
        if (unknown.Count > 0)
        {
            throw new BoomerangConfigurationException(string.Join("; ", unknown));
        }
    }

    private static IEnumerable<string> Walk(Node node, string path) =>
        (node.Type is null ? [] : new[] { path }).Concat(node.Children.SelectMany(c => Walk(c.Value, $"{path}:{c.Key}")));

    private static void CheckNode(IConfigurationSection section, Node node, List<string> unknown)
    {
        if (node.Type is not null)
        {
            // A section registered inside another's (Boomerang:Dedup2D:BuiltIn under Boomerang:Dedup2D) is checked
            // against its own type; every other key against the outer type.
            var own = section.GetChildren().Where(c => !node.Children.ContainsKey(c.Key)).ToList();
            CheckType(section, node.Type, unknown, own);
            foreach (var child in section.GetChildren().Where(c => node.Children.ContainsKey(c.Key)))
            {
                CheckNode(child, node.Children[child.Key], unknown);
            }
            return;
        }
        if (!string.IsNullOrEmpty(section.Value))
        {
            unknown.Add($"{section.Path} is a section, not a value (it holds {Known(node.Children.Keys)})");
        }
        foreach (var child in section.GetChildren())
        {
            if (node.Children.TryGetValue(child.Key, out var next))
            {
                CheckNode(child, next, unknown);
            }
            else
            {
                unknown.Add(UnknownKey(child, node.Children.Keys));
            }
        }
    }

    private static void CheckType(IConfigurationSection section, Type type, List<string> unknown, List<IConfigurationSection>? only = null)
    {
        var children = only ?? section.GetChildren().ToList();
        if (SettingShapes.IsScalar(type))
        {
            unknown.AddRange(children.Select(c => $"unknown setting {c.Path}: {section.Path} is a plain value"));
            return;
        }
        if (SettingShapes.ListElement(type) is { } element)
        {
            foreach (var child in children)
            {
                if (!int.TryParse(child.Key, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _))
                {
                    unknown.Add($"unknown setting {child.Path}: {section.Path} is a list (use {section.Path}:0, :1, … or a comma-separated value)");
                }
                else
                {
                    CheckType(child, element, unknown);
                }
            }
            return;
        }
        if (SettingShapes.DictionaryValue(type) is { } value)
        {
            foreach (var child in children)
            {
                CheckType(child, value, unknown);
            }
            return;
        }
        var properties = SettingShapes.Properties(type).ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
        if (!string.IsNullOrEmpty(section.Value))
        {
            unknown.Add($"{section.Path} is a section, not a value (it holds {Known(properties.Keys)})");
        }
        foreach (var child in children)
        {
            if (properties.TryGetValue(child.Key, out var property))
            {
                CheckType(child, property.PropertyType, unknown);
            }
            else
            {
                unknown.Add(UnknownKey(child, properties.Keys));
            }
        }
    }

    // Names the keys as written (every value below an unknown key), then what this level does know.
    private static string UnknownKey(IConfigurationSection unknown, IEnumerable<string> known)
    {
        var leaves = unknown.AsEnumerable().Where(kv => kv.Value is not null).Select(kv => kv.Key).Order(StringComparer.Ordinal).ToList();
        var named = leaves.Count == 0 ? unknown.Path : string.Join(", ", leaves);
        return $"unknown setting {named} (known under {unknown.Path[..unknown.Path.LastIndexOf(':')]}: {Known(known)})";
    }

    private static string Known(IEnumerable<string> keys) => string.Join(", ", keys.Order(StringComparer.Ordinal));

    private sealed class Node
    {
        public Type? Type { get; set; }
        public Dictionary<string, Node> Children { get; } = new(StringComparer.OrdinalIgnoreCase);
    }
}
