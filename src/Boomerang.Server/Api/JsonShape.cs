using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Boomerang.Server.Api;

/// <summary>Compares a parsed body with the contract's metadata and says, in JSON terms, the first thing that differs.</summary>
internal static class JsonShape
{
    public static string? Check(JsonElement value, JsonTypeInfo info, string path) => Check(value, info, new Where(path));

    private static string? Check(JsonElement value, JsonTypeInfo info, Where path)
    {
        var type = Nullable.GetUnderlyingType(info.Type) ?? info.Type;
        if (type == typeof(JsonElement) || type == typeof(object) || typeof(System.Text.Json.Nodes.JsonNode).IsAssignableFrom(type))
        {
            return null;
        }
        if (type == typeof(string))
        {
            return value.ValueKind == JsonValueKind.String ? null : $"{Field(path)} must be a string";
        }
        if (type == typeof(bool))
        {
            return value.ValueKind is JsonValueKind.True or JsonValueKind.False ? null : $"{Field(path)} must be true or false";
        }
        if (type == typeof(int) || type == typeof(long))
        {
            var fits = value.ValueKind == JsonValueKind.Number && (type == typeof(int) ? value.TryGetInt32(out _) : value.TryGetInt64(out _));
            return fits ? null : $"{Field(path)} must be a whole number";
        }
        if (type == typeof(double) || type == typeof(float) || type == typeof(decimal))
        {
            return value.ValueKind == JsonValueKind.Number ? null : $"{Field(path)} must be a number";
        }
        return info.Kind switch
        {
            JsonTypeInfoKind.Object => CheckObject(value, info, path),
            JsonTypeInfoKind.Enumerable => CheckArray(value, info, path),
            _ => null,
        };
    }

    private static string? CheckArray(JsonElement value, JsonTypeInfo info, Where path)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            return $"{Field(path)} must be an array";
        }
        var element = info.Options.GetTypeInfo(info.ElementType!);
        var parent = path.ToString();
        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            var itemPath = new Where(parent, Index: index++);
            // A null item of objects is left to the caller (a batch answers it per item); other types need a value.
            var problem = item.ValueKind == JsonValueKind.Null
                ? element.Type.IsValueType || element.Type == typeof(string) ? $"{Field(itemPath)} must not be null" : null
                : Check(item, element, itemPath);
            if (problem is not null)
            {
                return problem;
            }
        }
        return null;
    }

    private static string? CheckObject(JsonElement value, JsonTypeInfo info, Where path)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            return $"{Field(path)} must be an object";
        }
        var shape = Shapes.GetValue(info, ObjectShape.Of);
        // Every field seen is a known one (an unknown one ends the check), so a flag per known field tells repeats.
        var seen = shape.Fields.Length <= 64 ? stackalloc bool[shape.Fields.Length] : new bool[shape.Fields.Length];
        var parent = path.ToString();
        foreach (var member in value.EnumerateObject())
        {
            var name = member.Name;
            var memberPath = new Where(parent, name);
            if (!shape.Members.TryGetValue(name, out var field))
            {
                return $"unknown field '{JsonBody.Clip(memberPath.ToString(), 100)}'; the fields are: {shape.Names}";
            }
            if (seen[field.Index])
            {
                return $"{Field(memberPath)} appears more than once";
            }
            seen[field.Index] = true;
            if (member.Value.ValueKind == JsonValueKind.Null)
            {
                if (!field.Nullable)
                {
                    return $"{Field(memberPath)} must not be null";
                }
                continue;
            }
            if (Check(member.Value, info.Options.GetTypeInfo(field.Property.PropertyType), memberPath) is { } problem)
            {
                return problem;
            }
        }
        foreach (var field in shape.Fields)
        {
            if (field.Required && !seen[field.Index])
            {
                return $"missing field '{new Where(parent, field.Property.Name)}'";
            }
        }
        return null;
    }

    /// <summary>Where a value sits in the body, made into text only for a message (and once per object or array
    /// entered), not for every field checked.</summary>
    private readonly record struct Where(string Parent, string? Member = null, int Index = -1)
    {
        public override string ToString() =>
            Member is not null ? (Parent.Length == 0 ? Member : $"{Parent}.{Member}")
            : Index >= 0 ? $"{Parent}[{Index}]"
            : Parent;
    }

    // What a contract type allows is worked out once per type (reflection), not once per object checked: a batch submit
    // checks a thousand objects of one type.
    private static readonly ConditionalWeakTable<JsonTypeInfo, ObjectShape> Shapes = new();

    private sealed record ObjectField(int Index, JsonPropertyInfo Property, bool Nullable, bool Required);

    private sealed record ObjectShape(Dictionary<string, ObjectField> Members, ObjectField[] Fields, string Names)
    {
        public static ObjectShape Of(JsonTypeInfo info)
        {
            var parameters = info.Type.GetConstructors().MaxBy(c => c.GetParameters().Length)?.GetParameters() ?? [];
            var members = new Dictionary<string, ObjectField>(StringComparer.Ordinal);
            foreach (var property in info.Properties)
            {
                var parameter = Array.Find(parameters, p => string.Equals(p.Name, (property.AttributeProvider as MemberInfo)?.Name,
                    StringComparison.OrdinalIgnoreCase));
                members[property.Name] = new ObjectField(members.Count, property, IsNullable(property, parameter),
                    property.IsRequired || parameter is { HasDefaultValue: false });
            }
            return new ObjectShape(members, [.. members.Values], string.Join(", ", members.Keys));
        }
    }

    private static bool IsNullable(JsonPropertyInfo property, ParameterInfo? parameter) =>
        parameter is null
            ? property.IsSetNullable
            : parameter.ParameterType.IsValueType
                ? Nullable.GetUnderlyingType(parameter.ParameterType) is not null
                : new NullabilityInfoContext().Create(parameter).WriteState != NullabilityState.NotNull;

    private static string Field(Where path) => $"field '{JsonBody.Clip(path.ToString(), 100)}'";
}
