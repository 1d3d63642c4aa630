using Boomerang.Receiver;

namespace ContentHub;

/// <summary>
/// What ContentHub does when a generation finishes. The task store already holds status and result; this is where
/// the real app would publish the article (the seed's PublishPoolService). Here it is logged, without the content.
/// </summary>
internal sealed partial class ArticleReadyHandler(ILogger<ArticleReadyHandler> log) : ICallbackHandler
{
    public Task OnCompletedAsync(TaskCallback callback, CancellationToken cancellationToken)
    {
        var title = callback.Result is { ValueKind: System.Text.Json.JsonValueKind.Object } r && r.TryGetProperty("title", out var t) ? t.ToString() : "(untitled)";
        LogReady(log, callback.TaskId, title, callback.Source);
        return Task.CompletedTask;
    }

    public Task OnFailedAsync(TaskCallback callback, CancellationToken cancellationToken)
    {
        LogFailed(log, callback.TaskId, callback.Source);
        return Task.CompletedTask;
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Article ready for task {TaskId}: {Title} (via {Source})")]
    private static partial void LogReady(ILogger logger, string taskId, string title, CallbackSource source);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Generation failed for task {TaskId} (via {Source})")]
    private static partial void LogFailed(ILogger logger, string taskId, CallbackSource source);
}
