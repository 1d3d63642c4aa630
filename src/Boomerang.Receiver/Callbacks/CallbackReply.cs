using Microsoft.AspNetCore.Http;

namespace Boomerang.Receiver.Callbacks;

/// <summary>The answers the callback endpoint gives: the seed's success body, FastAPI-style <c>{"detail": …}</c> errors.</summary>
internal sealed class CallbackReply(int statusCode, object body, string? retryAfter = null) : IResult
{
    public int StatusCode { get; } = statusCode;

    public static CallbackReply Success(string message) => new(200, new { success = true, message });

    public static CallbackReply Error(int statusCode, string detail) => new(statusCode, new { detail });

    // Another delivery for this task is being applied; a retryable status, so the sender neither gives up nor
    // believes this one succeeded before the first has.
    public static CallbackReply RetryLater() => new(503, new { detail = "Task is busy; retry later" }, "1");

    public Task ExecuteAsync(HttpContext httpContext)
    {
        if (retryAfter is not null)
        {
            httpContext.Response.Headers.RetryAfter = retryAfter;
        }
        return TypedResults.Json(body, statusCode: StatusCode).ExecuteAsync(httpContext);
    }
}
