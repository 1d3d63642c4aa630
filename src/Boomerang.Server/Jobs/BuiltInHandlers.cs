using System.Text.Json;
using Boomerang.Jobs;

namespace Boomerang.Server.Jobs;

/// <summary>Diagnostic kind for smoke tests and benchmarks: the result is the input.</summary>
internal sealed class EchoHandler : IJobHandler
{
    public Task<JsonElement?> RunAsync(JobContext context, CancellationToken cancellationToken) =>
        Task.FromResult<JsonElement?>(context.Input);
}

/// <summary>Diagnostic kind: waits <c>{"ms": N}</c> milliseconds, honouring cancellation.</summary>
internal sealed class SleepHandler(TimeProvider time) : IJobHandler
{
    public const int MaxMs = 3_600_000;

    public async Task<JsonElement?> RunAsync(JobContext context, CancellationToken cancellationToken)
    {
        if (context.Input.ValueKind != JsonValueKind.Object || !context.Input.TryGetProperty("ms", out var ms)
            || !ms.TryGetInt32(out var millis) || millis is < 0 or > MaxMs)
        {
            throw new ArgumentException($"sleep input must be {{\"ms\": <0..{MaxMs}>}}");
        }
        await Task.Delay(TimeSpan.FromMilliseconds(millis), time, cancellationToken).ConfigureAwait(false);
        return JsonSerializer.SerializeToElement(new { slept_ms = millis });
    }
}
