using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Boomerang.Server.Dedup2D.Engine;

namespace Boomerang.Server.Dedup2D;

internal static class Dedup2DJson
{
    /// <summary>snake_case, as the seed's wire format; nulls written (the seed's models serialise them).</summary>
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Like <see cref="Options"/> but leaves out nulls (the seed's "exclude none" responses).</summary>
    public static readonly JsonSerializerOptions OmitNulls = new(Options) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public static string Describe(DrawingEngineException e) => e.Detail switch
    {
        null => $"search engine error (HTTP {e.StatusCode})",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        { } detail => $"search engine error (HTTP {e.StatusCode}): {detail.ToJsonString()}",
    };
}
