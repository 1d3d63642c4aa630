using System.Globalization;
using System.Text.Json;
using Boomerang;
using Boomerang.Client;
using Boomerang.Receiver.Tasks;

namespace ContentHub;

/// <summary>A content generation task as the API shows it.</summary>
internal sealed record TaskView(
    string TaskId, string? JobId, string Status, int Progress, JsonElement? Result, string? Error,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, string? SettledBy)
{
    public static TaskView Of(TrackedTask t) =>
        new(t.TaskId, t.JobId, t.Status, t.Progress, t.Result, t.Error, t.CreatedAt, t.UpdatedAt, t.SettledBy);
}

internal sealed record CreateTaskRequest(string? Topic = null);

/// <summary>The content API: create a generation task from a topic, read one, list them.</summary>
internal static class ContentApi
{
    private const int MaxTopicLength = 200;

    public static RouteGroupBuilder MapContentApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/content/tasks").WithTags("Content");
        group.MapPost("/", CreateAsync);
        group.MapGet("/{taskId}", GetAsync);
        group.MapGet("/", ListAsync);
        return group;
    }

    private static async Task<IResult> CreateAsync(HttpRequest request, TaskTracker tracker, ContentHubSettings settings, CancellationToken ct)
    {
        CreateTaskRequest? body;
        try
        {
            body = await request.ReadFromJsonAsync<CreateTaskRequest>(BoomerangJson.Options, ct);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return Detail(400, "body must be JSON: {\"topic\": \"...\"}");
        }
        var topic = body?.Topic?.Trim();
        if (string.IsNullOrEmpty(topic) || topic.Length > MaxTopicLength)
        {
            return Detail(400, $"topic must be 1..{MaxTopicLength} characters");
        }
        try
        {
            var task = await tracker.SubmitAsync(settings.JobKind, JsonSerializer.SerializeToElement(new { topic }), ct);
            return TypedResults.Json(TaskView.Of(task), BoomerangJson.Options, statusCode: 202);
        }
        catch (BoomerangApiException e)
        {
            return TypedResults.Json(new { detail = new { error = "BOOMERANG_REFUSED", message = e.Message, boomerang_error = e.ErrorCode } }, statusCode: 502);
        }
    }

    private static async Task<IResult> GetAsync(string taskId, TaskTracker tracker, CancellationToken ct) =>
        await tracker.GetAsync(taskId, ct) is { } task
            ? TypedResults.Json(TaskView.Of(task), BoomerangJson.Options)
            : Detail(404, "Task not found");

    private static async Task<IResult> ListAsync(string? status, string? limit, TaskTracker tracker, CancellationToken ct)
    {
        if (status is not null && !TrackedTaskStatus.All.Contains(status))
        {
            return Detail(400, $"Invalid status: {status}. Valid values: {string.Join(", ", TrackedTaskStatus.All)}");
        }
        var n = 50;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out n) || n is < 1 or > 200))
        {
            return Detail(400, "limit must be a whole number from 1 to 200");
        }
        var tasks = await tracker.ListAsync(status, n, ct);
        return TypedResults.Json(new { tasks = tasks.Select(TaskView.Of) }, BoomerangJson.Options);
    }

    private static IResult Detail(int status, string detail) => TypedResults.Json(new { detail }, statusCode: status);
}
