using System.Net.Http.Json;
using Hangfire.Server;

namespace Boomerang.HangfirePeer;

/// <summary>
/// The echo job: returns its input after POSTing <c>{job_id, result, finished_at}</c> to the callback URL (when one
/// is set), so each job costs one HTTP callback, as a Boomerang job with a <c>callback_url</c> does. A non-2xx answer
/// fails the job and Hangfire retries it.
/// </summary>
public sealed class EchoJob
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private static int _completed;

    internal static Uri? CallbackUrl { get; set; }

    internal static int Completed => Volatile.Read(ref _completed);

    public async Task<int> RunAsync(int input, PerformContext? context)
    {
        if (CallbackUrl is not null)
        {
            var body = new CallbackBody(context?.BackgroundJob.Id ?? "?", input, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0);
            using var response = await Http.PostAsJsonAsync(CallbackUrl, body, CallbackJson.Default.CallbackBody);
            response.EnsureSuccessStatusCode();
        }
        Interlocked.Increment(ref _completed);
        return input;
    }
}
