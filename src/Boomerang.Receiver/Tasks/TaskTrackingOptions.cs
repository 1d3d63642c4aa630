namespace Boomerang.Receiver.Tasks;

/// <summary>How tasks are recorded, submitted and reconciled; bound from <c>Boomerang:Tasks</c> by <c>AddBoomerangReceiver</c>.</summary>
public sealed class TaskTrackingOptions
{
    /// <summary>The configuration section bound.</summary>
    public const string Section = "Boomerang:Tasks";

    /// <summary>The placeholder in <see cref="CallbackPath"/> that the task id replaces.</summary>
    public const string TaskIdPlaceholder = "{task_id}";

    /// <summary>The SQLite file that holds tasks and processed webhook ids (default <c>data/boomerang-tasks.db</c>).</summary>
    public string DatabasePath { get; set; } = "data/boomerang-tasks.db";

    /// <summary>
    /// A PostgreSQL connection string: when set, tasks and processed webhook ids live there instead of the SQLite file,
    /// so every instance of the app shares them.
    /// </summary>
    public string? PostgresConnectionString { get; set; }

    /// <summary>The PostgreSQL schema of the task tables (default <c>boomerang_tasks</c>); created if missing.</summary>
    public string PostgresSchema { get; set; } = "boomerang_tasks";

    /// <summary>Ask Boomerang for callbacks (the seed's <c>WEBHOOK_ENABLED</c>); without them tasks settle by polling only.</summary>
    public bool CallbacksEnabled { get; set; }

    /// <summary>The app's public base URL as Boomerang reaches it (the seed's <c>WEBHOOK_CALLBACK_BASE_URL</c>); required when callbacks are enabled.</summary>
    public string? CallbackBaseUrl { get; set; }

    /// <summary>The callback route; must contain <c>{task_id}</c>. <c>MapBoomerangCallback()</c> maps this same path.</summary>
    public string CallbackPath { get; set; } = "/api/v1/content/callback/{task_id}";

    /// <summary>Also ask for <c>job.progress</c> callbacks (default true).</summary>
    public bool RequestProgressEvents { get; set; } = true;

    /// <summary>A task with no terminal callback this long after it was submitted (or last polled) is polled (default 30 s).</summary>
    public double PollAfterSeconds { get; set; } = 30;

    /// <summary>Processed webhook ids are remembered this long (default 7 days); longer than any sender retries.</summary>
    public double ProcessedWebhookRetentionDays { get; set; } = 7;

    /// <summary>The callback URL for a task: base URL + path with the task id.</summary>
    public string CallbackUrlFor(string taskId) =>
        CallbackBaseUrl!.TrimEnd('/') + CallbackPath.Replace(TaskIdPlaceholder, Uri.EscapeDataString(taskId), StringComparison.Ordinal);
}
