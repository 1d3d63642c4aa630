using System.Net;
using System.Text.Json;

namespace Boomerang.Client;

/// <summary>
/// The server answered with an error. The server wraps errors as <c>{"detail": {"error": CODE, "message": …}}</c>
/// or <c>{"detail": "text"}</c>; both are unpacked here.
/// </summary>
public sealed class BoomerangApiException : Exception
{
    /// <summary>Creates the exception for an error answer.</summary>
    public BoomerangApiException(HttpStatusCode statusCode, string? errorCode, string message, JsonElement? detail = null, TimeSpan? retryAfter = null)
        : base(message)
    {
        StatusCode = statusCode;
        ErrorCode = errorCode;
        Detail = detail;
        RetryAfter = retryAfter;
    }

    /// <summary>The HTTP status of the answer.</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>The <c>detail.error</c> code, such as <c>JOB_NOT_FOUND</c> or <c>JOB_QUEUE_FULL</c>; null when the detail was plain text.</summary>
    public string? ErrorCode { get; }

    /// <summary>The whole <c>detail</c> value, for fields beyond code and message (for example <c>max_jobs</c>).</summary>
    public JsonElement? Detail { get; }

    /// <summary>The server's <c>Retry-After</c>, when it sent one (a full queue does).</summary>
    public TimeSpan? RetryAfter { get; }
}
