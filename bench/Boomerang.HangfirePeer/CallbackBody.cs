using System.Text.Json.Serialization;

namespace Boomerang.HangfirePeer;

internal sealed record CallbackBody(
    [property: JsonPropertyName("job_id")] string JobId,
    [property: JsonPropertyName("result")] int Result,
    [property: JsonPropertyName("finished_at")] double FinishedAt);

[JsonSerializable(typeof(CallbackBody))]
internal sealed partial class CallbackJson : JsonSerializerContext;
