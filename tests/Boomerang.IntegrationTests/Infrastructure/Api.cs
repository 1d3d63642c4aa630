using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Boomerang.Jobs;

namespace Boomerang.IntegrationTests.Infrastructure;

/// <summary>Small HTTP helpers over the raw API, so tests read as what a curl user would do.</summary>
public static class Api
{
    public static async Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string path, object body) =>
        await client.PostAsync(path, JsonContent.Create(body, options: BoomerangJson.Options));

    public static async Task<SubmitJobResponse> SubmitAsync(this HttpClient client, object body)
    {
        var response = await client.PostJsonAsync("/api/v1/jobs", body);
        Assert.True(response.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.OK,
            $"submit answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<SubmitJobResponse>(BoomerangJson.Options))!;
    }

    public static async Task<JobView> GetJobAsync(this HttpClient client, string jobId)
    {
        var response = await client.GetAsync($"/api/v1/jobs/{jobId}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JobView>(BoomerangJson.Options))!;
    }

    public static Task<JobView> WaitForStatusAsync(this HttpClient client, string jobId, params string[] statuses) =>
        Eventually.GetAsync(() => client.GetJobAsync(jobId), j => statuses.Contains(j.Status),
            $"job {jobId} to reach {string.Join("/", statuses)}");

    /// <summary>Until the job's callback has landed or failed for good: the dispatcher records a landing after the 2xx,
    /// so a receiver (or an app behind it) sees the callback before the job's record says so.</summary>
    public static Task<JobView> WaitForCallbackSettledAsync(this HttpClient client, string jobId) =>
        Eventually.GetAsync(() => client.GetJobAsync(jobId), j => j.CallbackStatus is "success" or "failed",
            $"job {jobId}'s callback to settle");

    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
}
