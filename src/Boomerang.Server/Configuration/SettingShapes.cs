using System.Collections;
using System.ComponentModel;

namespace Boomerang.Server.Configuration;

/// <summary>How a settings type is written in configuration: a value, a list, a dictionary, or an object of properties.</summary>
internal static class SettingShapes
{
    public static bool IsScalar(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(TimeSpan)
            || type == typeof(DateTimeOffset) || type == typeof(DateTime) || type == typeof(Uri) || type == typeof(Guid);
    }

    /// <summary>The element type of an array, list or set; null for anything else (strings and dictionaries included).</summary>
    public static Type? ListElement(Type type)
    {
        if (type.IsArray)
        {
            return type.GetElementType();
        }
        if (!type.IsGenericType || type == typeof(string) || DictionaryValue(type) is not null)
        {
            return null;
        }
        var definition = type.GetGenericTypeDefinition();
        return definition == typeof(List<>) || definition == typeof(IList<>) || definition == typeof(IEnumerable<>)
            || definition == typeof(IReadOnlyList<>) || definition == typeof(ICollection<>) || definition == typeof(IReadOnlyCollection<>)
            || definition == typeof(HashSet<>) || definition == typeof(ISet<>)
            ? type.GetGenericArguments()[0] : null;
    }

    /// <summary>The value type of a dictionary keyed by string; null for anything else.</summary>
    public static Type? DictionaryValue(Type type)
    {
        if (!type.IsGenericType)
        {
            return null;
        }
        var definition = type.GetGenericTypeDefinition();
        var args = type.GetGenericArguments();
        return (definition == typeof(Dictionary<,>) || definition == typeof(IDictionary<,>) || definition == typeof(IReadOnlyDictionary<,>))
            && args[0] == typeof(string) ? args[1] : null;
    }

    /// <summary>The settable or readable public properties a section of this type may name.</summary>
    public static IEnumerable<System.Reflection.PropertyInfo> Properties(Type type) =>
        type.GetProperties(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0 && (p.CanWrite || !IsScalar(p.PropertyType)));

    public static object Convert(string raw, Type type, string path)
    {
        var target = Nullable.GetUnderlyingType(type) ?? type;
        try
        {
            return target == typeof(string) ? raw : TypeDescriptor.GetConverter(target).ConvertFromInvariantString(raw)!;
        }
        catch (Exception e) when (e is FormatException or NotSupportedException or ArgumentException || e.InnerException is FormatException)
        {
            throw new BoomerangConfigurationException($"{path}: '{raw}' is not a valid {target.Name}");
        }
    }

    /// <summary>A new list, array or set of <paramref name="type"/> holding the items.</summary>
    public static object MakeList(Type type, Type element, IEnumerable<object> items)
    {
        var list = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(element))!;
        foreach (var item in items)
        {
            list.Add(item);
        }
        if (type.IsArray)
        {
            var array = Array.CreateInstance(element, list.Count);
            list.CopyTo(array, 0);
            return array;
        }
        var definition = type.GetGenericTypeDefinition();
        return definition == typeof(HashSet<>) || definition == typeof(ISet<>)
            ? Activator.CreateInstance(typeof(HashSet<>).MakeGenericType(element), list)!
            : list;
    }
}
