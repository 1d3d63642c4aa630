using System.Collections;

namespace Boomerang.Server.Configuration;

/// <summary>
/// Binds a settings section as ASP.NET does, then reads every list of values through <see cref="ConfigList"/> so the
/// comma-separated form works wherever the indexed one does (the binder alone silently ignores it).
/// </summary>
internal static class SectionBinder
{
    public static void Bind(IConfigurationSection section, object options)
    {
        try
        {
            section.Bind(options);
        }
        catch (InvalidOperationException e)
        {
            throw new BoomerangConfigurationException(e.Message, e);
        }
        Fix(section, options, options.GetType());
    }

    public static T Get<T>(IConfiguration configuration, string path) where T : class, new()
    {
        var options = new T();
        Bind(configuration.GetSection(path), options);
        return options;
    }

    private static object BindAlone(IConfigurationSection section, Type type)
    {
        var item = Activator.CreateInstance(type)!;
        try
        {
            section.Bind(item);
        }
        catch (InvalidOperationException e)
        {
            throw new BoomerangConfigurationException(e.Message, e);
        }
        return item;
    }

    /// <summary>Returns the value to keep for this section: a new list for a list of values, else the same object, fixed inside.</summary>
    private static object? Fix(IConfigurationSection section, object? current, Type type)
    {
        if (SettingShapes.IsScalar(type) || !section.Exists())
        {
            return current;
        }
        if (SettingShapes.ListElement(type) is { } element)
        {
            if (!SettingShapes.IsScalar(element))
            {
                return current;
            }
            return ConfigList.Read(section) is { } items
                ? SettingShapes.MakeList(type, element, items.Select(i => SettingShapes.Convert(i, element, section.Path)))
                : current;
        }
        if (SettingShapes.DictionaryValue(type) is { } value)
        {
            if (current is IDictionary dictionary)
            {
                // The binder drops an item it cannot convert without a word (Commands:<kind> with one bad value would
                // vanish, kind and all); converting or binding that item alone names the value it could not take.
                foreach (var child in section.GetChildren().Where(c => !dictionary.Contains(c.Key)))
                {
                    dictionary[child.Key] = SettingShapes.IsScalar(value)
                        ? SettingShapes.Convert(child.Value ?? "", value, child.Path)
                        : BindAlone(child, value);
                }
                if (!SettingShapes.IsScalar(value))
                {
                    foreach (var key in dictionary.Keys.Cast<string>().ToList())
                    {
                        dictionary[key] = Fix(section.GetSection(key), dictionary[key], value);
                    }
                }
            }
            return current;
        }
        if (current is null)
        {
            return current;
        }
        foreach (var property in SettingShapes.Properties(type))
        {
            var child = section.GetSection(property.Name);
            if (!child.Exists() || SettingShapes.IsScalar(property.PropertyType))
            {
                continue;
            }
            var before = property.GetValue(current);
            var after = Fix(child, before, property.PropertyType);
            if (!ReferenceEquals(before, after))
            {
                if (property.CanWrite)
                {
                    property.SetValue(current, after);
                }
                else if (before is IList list && after is IEnumerable items)
                {
                    list.Clear();
                    foreach (var item in items)
                    {
                        list.Add(item);
                    }
                }
            }
        }
        return current;
    }
}
