namespace Boomerang.Server.Api;

/// <summary>An error in the seed's envelope <c>{"detail": …}</c>, usable alone or as one item of a batch.</summary>
internal sealed record ApiError(int Status, object Detail)
{
    public IResult ToResult(HttpContext http)
    {
        if (Status == 429)
        {
            http.Response.Headers.RetryAfter = "5";
        }
        return TypedResults.Json(new { detail = Detail }, statusCode: Status);
    }
}

internal static class ApiErrors
{
    public static ApiError Of(int status, string error, string message) => new(status, new { error, message });

    public static ApiError BadRequest(string error, string message) => Of(400, error, message);

    public static ApiError JobNotFound(string jobId) => new(404, new { error = "JOB_NOT_FOUND", job_id = jobId });

    public static ApiError JobForbidden(string jobId) => new(403, new { error = "JOB_FORBIDDEN", job_id = jobId });

    public static ApiError QueueFull(long current, int max) => new(429, new
    {
        error = "JOB_QUEUE_FULL",
        message = $"Job queue full: {current}/{max} jobs",
        max_jobs = max,
        current_jobs = current,
    });
}
