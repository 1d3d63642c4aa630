using System.Text.Json;

namespace Boomerang.UnitTests.Signing;

/// <summary>
/// The shared Standard Webhooks conformance vectors, found by walking up from the test binaries to the folder
/// that holds <c>shared/</c>. A missing file fails the test; it is never a reason to skip.
/// </summary>
internal static class ConformanceFile
{
    private const string RelativePath = "shared/conformance/standard-webhooks-vectors.json";

    private static readonly Lazy<JsonElement> Root = new(Load);

    public static JsonElement Json => Root.Value;

    public static IEnumerable<JsonElement> KnownAnswerVectors => Json.GetProperty("known_answer_vectors").EnumerateArray();

    public static IEnumerable<JsonElement> DerivedVectors => Json.GetProperty("derived_vectors_not_from_source").EnumerateArray();

    public static IEnumerable<string> CaseNames =>
        Json.GetProperty("negative_and_behaviour_cases").EnumerateArray().Select(c => c.GetProperty("case").GetString()!);

    public static JsonElement Vector(string name) =>
        KnownAnswerVectors.Concat(DerivedVectors).SingleOrDefault(v => v.GetProperty("name").GetString() == name) is { ValueKind: JsonValueKind.Object } v
            ? v
            : throw new InvalidOperationException($"The conformance file has no vector named '{name}'.");

    /// <summary>The <c>input</c> object of the named negative/behaviour case.</summary>
    public static JsonElement CaseInput(string name) =>
        Json.GetProperty("negative_and_behaviour_cases").EnumerateArray()
            .SingleOrDefault(c => c.GetProperty("case").GetString() == name) is { ValueKind: JsonValueKind.Object } c
            ? c.GetProperty("input")
            : throw new InvalidOperationException($"The conformance file has no case named '{name}'.");

    public static IEnumerable<string> Strings(JsonElement array) => array.EnumerateArray().Select(e => e.GetString()!);

    private static JsonElement Load()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, RelativePath);
            if (File.Exists(candidate))
            {
                using var document = JsonDocument.Parse(File.ReadAllText(candidate));
                return document.RootElement.Clone();
            }
        }

        throw new FileNotFoundException(
            $"Conformance vectors not found: no '{RelativePath}' in any parent of {AppContext.BaseDirectory}. " +
            "The tests expect the repository's parent folder to hold shared/.");
    }
}

/// <summary>One Standard Webhooks vector: secret, message id, timestamp and payload bytes.</summary>
internal sealed record SwVector(string Secret, string MsgId, long Timestamp, byte[] Payload, string ExpectedSignature)
{
    public static SwVector From(JsonElement v, string secretProperty = "secret")
    {
        var payload = v.GetProperty("payload").ValueKind == JsonValueKind.Null
            ? Generate(v.GetProperty("payload_generator").GetString()!)
            : System.Text.Encoding.UTF8.GetBytes(v.GetProperty("payload").GetString()!);
        return new SwVector(
            v.GetProperty(secretProperty).GetString()!,
            v.GetProperty("msg_id").GetString()!,
            v.GetProperty("timestamp").GetInt64(),
            payload,
            v.GetProperty("expected_signature").GetString()!);
    }

    public DateTimeOffset SignedAt => DateTimeOffset.FromUnixTimeSeconds(Timestamp);

    // "'a' repeated 1048576 times (...)": the only generator the file uses; anything else fails loudly.
    private static byte[] Generate(string generator)
    {
        var match = System.Text.RegularExpressions.Regex.Match(generator, "^'a' repeated (\\d+) times");
        return match.Success
            ? Enumerable.Repeat((byte)'a', int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToArray()
            : throw new InvalidOperationException($"Unknown payload generator: {generator}");
    }
}
