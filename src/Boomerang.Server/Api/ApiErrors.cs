using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Metadata;

namespace Boomerang.Server.Api;

/// <summary>The seed's error envelope <c>{"detail": {...}}</c>, as the OpenAPI document declares it.</summary>
internal sealed record ErrorResponse(ErrorDetail Detail);

/// <summary>What went wrong: a stable code, and the fields that apply to it.</summary>
/// <param name="Error">A stable code such as <c>INVALID_REQUEST</c>, <c>JOB_NOT_FOUND</c>, <c>JOB_QUEUE_FULL</c>.</param>
/// <param name="Message">For people: what is wrong and how to fix it.</param>
/// <param name="JobId">The job an error is about (404/403 on a job route).</param>
/// <param name="MaxJobs">The queue limit (429).</param>
/// <param name="CurrentJobs">The active jobs when the limit was hit (429).</param>
internal sealed record ErrorDetail(
    string Error,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Message = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? JobId = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? MaxJobs = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? CurrentJobs = null);

/// <summary>The seed's 401 body: <c>{"detail": "Missing API Key"}</c> or <c>{"detail": "Invalid API Key"}</c>.</summary>
internal sealed record AuthErrorResponse(string Detail);

/// <summary>An error in the seed's envelope <c>{"detail": …}</c>, usable alone or as one item of a batch.</summary>
internal sealed record ApiError(int Status, object Detail)
{
    public ApiErrorResult ToResult(HttpContext http) => new(this);
}

/// <summary>An <see cref="ApiError"/> as an endpoint's typed result (429 adds <c>Retry-After</c>).</summary>
internal sealed class ApiErrorResult(ApiError error) : IResult, IStatusCodeHttpResult, IValueHttpResult
{
    public int? StatusCode => error.Status;

    public object Value => new { detail = error.Detail };

    public Task ExecuteAsync(HttpContext httpContext)
    {
        if (error.Status == 429)
        {
            httpContext.Response.Headers.RetryAfter = "5";
        }
        return TypedResults.Json(Value, BoomerangJson.Options, statusCode: error.Status).ExecuteAsync(httpContext);
    }
}

internal static class ApiErrors
{
    public static ApiError Of(int status, string error, string message) => new(status, new ErrorDetail(error, message));

    public static ApiError BadRequest(string error, string message) => Of(400, error, message);

    public static ApiError NotJson { get; } = Of(415, "UNSUPPORTED_MEDIA_TYPE", "send the body as application/json");

    public static ApiError JobNotFound(string jobId) => new(404, new ErrorDetail("JOB_NOT_FOUND", JobId: jobId));

    public static ApiError JobForbidden(string jobId) => new(403, new ErrorDetail("JOB_FORBIDDEN", JobId: jobId));

    public static ApiError QueueFull(long current, int max) =>
        new(429, new ErrorDetail("JOB_QUEUE_FULL", $"Job queue full: {current}/{max} jobs", MaxJobs: max, CurrentJobs: current));

    /// <summary>Declares the error statuses a route answers, with their body schema, in the OpenAPI document.</summary>
    public static TBuilder ProducesErrors<TBuilder>(this TBuilder builder, params int[] statuses) where TBuilder : IEndpointConventionBuilder
    {
        builder.WithMetadata(new ProducesResponseTypeMetadata(401, typeof(AuthErrorResponse), ["application/json"]));
        foreach (var status in statuses)
        {
            builder.WithMetadata(new ProducesResponseTypeMetadata(status, typeof(ErrorResponse), ["application/json"]));
        }
        return builder;
    }
}
