using System.Net.Http.Headers;
using System.Text;
using Boomerang.IntegrationTests.Infrastructure;
using CsCheck;

namespace Boomerang.IntegrationTests.Api;

/// <summary>Issue 14.8: no generated body, sent over real HTTP, makes a JSON route answer 5xx.</summary>
public sealed class JsonBodyProperties : IAsyncLifetime
{
    private TestServer _server = null!;
    private ReceiverApp _receiver = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync();
        _receiver = await ReceiverApp.StartAsync(receiver: o => o.RequireSignature = false);
    }

    public async Task DisposeAsync()
    {
        await _receiver.DisposeAsync();
        await _server.DisposeAsync();
    }

    private static readonly string[] Names =
        ["kind", "input", "callback_url", "idempotency_key", "callback_events", "jobs", "Kind", "callbackUrl", "event", "job_id", "status",
         "result", "error", "progress", "taskId", "task_id", ""];

    private static readonly Gen<string> Text = Gen.OneOf(
        Gen.String[0, 12],
        Gen.OneOf("echo", "sleep", "job.completed", "completed", "job.progress", "https://example.com/h", "http://localhost/h",
            "\\ud800", "\\udc00x", "\\ud83d\\ude00", "\\u0000", "a\\\"b", "a~b", "~"));

    // Raw bytes spliced in as text: invalid UTF-8, overlong, CESU, stray continuation bytes.
    private static readonly Gen<byte[]> BadBytes = Gen.OneOf<byte[]>([0xff], [0xfe, 0xff], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0x80], [0xe2, 0x82]);

    private static readonly Gen<string> Json = Gen.Recursive<string>((depth, inner) => depth >= 3
        ? Scalar()
        : Gen.Frequency(
            (3, Scalar()),
            (2, Gen.Select(Gen.OneOf(Names).Select(Quote), inner).Array[0, 5]
                .Select(members => "{" + string.Join(",", members.Select(m => $"{m.Item1}:{m.Item2}")) + "}")),
            (1, inner.Array[0, 4].Select(items => "[" + string.Join(",", items) + "]"))));

    private static Gen<string> Scalar() => Gen.OneOf(
        Text.Select(Quote), Gen.Int.Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        Gen.OneOf("true", "false", "null", "1e999", "-0", "1.5", "[]", "{}"));

    private static string Quote(string s) => "\"" + s.Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    // Mostly the shape a route expects (so a value gets as far as the code that uses it), sometimes anything.
    private static readonly Gen<string> Shaped = Gen.Frequency(
        (1, Json),
        (2, Gen.Select(Gen.OneOf("echo", "sleep"), Json, Gen.OneOf(Names), Json)
            .Select((kind, input, name, extra) => $"{{\"kind\":\"{kind}\",\"input\":{input},\"{name}\":{extra}}}")),
        (2, Gen.Select(Gen.OneOf("job.completed", "completed", "progress"), Json, Gen.OneOf(Names), Json)
            .Select((e, result, name, extra) =>
                $"{{\"event\":\"{e}\",\"job_id\":\"j\",\"taskId\":\"t\",\"progress\":5,\"result\":{result},\"{name}\":{extra}}}")));

    /// <summary>A generated JSON value, then damaged sometimes: bad bytes put inside its strings or anywhere, cut short, one byte replaced.</summary>
    private static readonly Gen<byte[]> Body = Gen.Select(Shaped, Gen.Int[0, 5], Gen.Int[0, 1000], BadBytes, Gen.Byte).Select((json, damage, at, bad, b) =>
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var i = bytes.Length == 0 ? 0 : at % bytes.Length;
        return damage switch
        {
            0 => [.. bytes[..i], .. bad, .. bytes[i..]],
            1 => bytes[..i],
            2 when bytes.Length > 0 => [.. bytes[..i], b, .. bytes[(i + 1)..]],
            3 or 4 => bytes.SelectMany(x => x == (byte)'~' ? bad : [x]).ToArray(),
            _ => bytes,
        };
    });

    [Theory]
    [InlineData("/api/v1/jobs")]
    [InlineData("/api/v1/jobs/batch")]
    public async Task No_generated_body_makes_a_jobs_route_answer_5xx(string path)
    {
        await Body.Select(b => path.EndsWith("batch", StringComparison.Ordinal) ? [.. "{\"jobs\":["u8, .. b, .. "]}"u8] : b)
            .SampleAsync(async body =>
            {
                var response = await _server.Client.PostAsync(path, Content(body));
                Assert.True((int)response.StatusCode < 500,
                    $"{(int)response.StatusCode} for {Convert.ToHexString(body)}: {await response.Content.ReadAsStringAsync()}");
            }, iter: 400, threads: 2);
    }

    [Fact]
    public async Task No_generated_body_makes_the_receiver_kits_callback_endpoint_answer_5xx()
    {
        var task = await _receiver.AddTaskAsync();
        await Body.SampleAsync(async body =>
        {
            var response = await _receiver.Client.PostAsync(task.TaskId, body);
            // 503 is the kit's "busy, retry" answer (two samples for the same task at once); 500 is a failure.
            Assert.True((int)response.StatusCode is < 500 or 503,
                $"{(int)response.StatusCode} for {Convert.ToHexString(body)}: {await response.Content.ReadAsStringAsync()}");
        }, iter: 400, threads: 2);
    }

    private static ByteArrayContent Content(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }
}
