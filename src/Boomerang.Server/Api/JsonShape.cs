using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Boomerang.Server.Api;

/// <summary>Compares a parsed body with the contract's metadata and says, in JSON terms, the first thing that differs.</summary>
internal static class JsonShape
{
    public static string? Check(JsonElement value, JsonTypeInfo info, string path)
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

    private static string? CheckArray(JsonElement value, JsonTypeInfo info, string path)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            return $"{Field(path)} must be an array";
        }
        var element = info.Options.GetTypeInfo(info.ElementType!);
        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            var itemPath = $"{path}[{index++}]";
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

    private static string? CheckObject(JsonElement value, JsonTypeInfo info, string path)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            return $"{Field(path)} must be an object";
        }
        var properties = info.Properties.ToDictionary(p => p.Name, StringComparer.Ordinal);
        var parameters = info.Type.GetConstructors().MaxBy(c => c.GetParameters().Length)?.GetParameters() ?? [];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var member in value.EnumerateObject())
        {
            var memberPath = path.Length == 0 ? member.Name : $"{path}.{member.Name}";
            if (!seen.Add(member.Name))
            {
                return $"{Field(memberPath)} appears more than once";
            }
            if (!properties.TryGetValue(member.Name, out var property))
            {
                return $"unknown field '{JsonBody.Clip(memberPath, 100)}'; the fields are: {string.Join(", ", properties.Keys)}";
            }
            var parameter = Array.Find(parameters, p => string.Equals(p.Name, (property.AttributeProvider as MemberInfo)?.Name,
                StringComparison.OrdinalIgnoreCase));
            if (member.Value.ValueKind == JsonValueKind.Null)
            {
                if (!IsNullable(property, parameter))
                {
                    return $"{Field(memberPath)} must not be null";
                }
                continue;
            }
            if (Check(member.Value, info.Options.GetTypeInfo(property.PropertyType), memberPath) is { } problem)
            {
                return problem;
            }
        }
        foreach (var property in info.Properties)
        {
            var parameter = Array.Find(parameters, p => string.Equals(p.Name, (property.AttributeProvider as MemberInfo)?.Name,
                StringComparison.OrdinalIgnoreCase));
            if ((property.IsRequired || parameter is { HasDefaultValue: false }) && !seen.Contains(property.Name))
            {
                return $"missing field '{(path.Length == 0 ? property.Name : $"{path}.{property.Name}")}'";
            }
        }
        return null;
    }

    private static bool IsNullable(JsonPropertyInfo property, ParameterInfo? parameter) =>
        parameter is null
            ? property.IsSetNullable
            : parameter.ParameterType.IsValueType
                ? Nullable.GetUnderlyingType(parameter.ParameterType) is not null
                : new NullabilityInfoContext().Create(parameter).WriteState != NullabilityState.NotNull;

    private static string Field(string path) => $"field '{JsonBody.Clip(path, 100)}'";
}
