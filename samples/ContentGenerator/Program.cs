// A Boomerang command job for the ContentHub sample: reads {"topic": "..."} on stdin, prints "progress: N" lines
// while it works, and writes the article as JSON on stdout. A bad input exits non-zero with the reason on stderr,
// which Boomerang turns into a failed job.
using System.Globalization;
using System.Text.Json;
using ContentGenerator;

string topic;
try
{
    using var input = JsonDocument.Parse(Console.In.ReadToEnd());
    topic = input.RootElement.TryGetProperty("topic", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()!.Trim() : "";
}
catch (JsonException e)
{
    Console.Error.WriteLine($"input is not JSON: {e.Message}");
    return 2;
}
if (topic.Length == 0)
{
    Console.Error.WriteLine("input needs a non-empty \"topic\"");
    return 2;
}

// Pacing makes progress visible in the walkthrough; tests set it to 0.
var stepDelay = int.TryParse(Environment.GetEnvironmentVariable("CONTENT_GENERATOR_STEP_MS"), NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
    ? ms : 200;
var article = Writer.Write(topic, percent =>
{
    Console.WriteLine($"progress: {percent}");
    Thread.Sleep(stepDelay);
});
Console.WriteLine(JsonSerializer.Serialize(article, new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower }));
return 0;
