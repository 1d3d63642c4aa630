using System.Text.Json;
using System.Text.Json.Serialization;

namespace Boomerang;

/// <summary>The JSON conventions of the Boomerang wire format: snake_case names, nulls written out.</summary>
public static class BoomerangJson
{
    /// <summary>Options every Boomerang component uses to read and write API bodies.</summary>
    public static JsonSerializerOptions Options { get; } = Create();

    /// <summary>
    /// Applies the wire conventions to <paramref name="options"/> (the server's HTTP JSON options take them from here,
    /// so responses and the OpenAPI document use the same names).
    /// </summary>
    /// <param name="options">Options that are not read-only yet.</param>
    public static void ApplyTo(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.DictionaryKeyPolicy = null;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        options.RespectNullableAnnotations = true;
        options.RespectRequiredConstructorParameters = true;
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip;
        // A job's input, and so an echo's result, may nest as deep as a request body may; an answer wraps it in a few
        // levels more (a list: the page, its array, the job), which the default limit (64) would refuse mid-answer.
        options.MaxDepth = 2 * JsonTextRule.MaxDepth;
    }

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        ApplyTo(options);
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
