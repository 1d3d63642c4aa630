using Boomerang.IntegrationTests.Infrastructure;
using Boomerang.Receiver.Tasks;

namespace Boomerang.IntegrationTests.Receiver;

/// <summary>The kit on PostgreSQL: two app instances share tasks, and what one submits the other settles.</summary>
public sealed class PostgresTaskTrackingTests
{
    [Fact]
    public async Task Two_instances_on_one_postgres_share_tasks_and_a_task_settles_by_polling()
    {
        await using var server = await TestServer.StartAsync();
        var (schema, connectionString) = await TestSchema.CreateAsync();
        await using var _ = schema;
        void OnPostgres(TaskTrackingOptions o)
        {
            o.PostgresConnectionString = connectionString;
            o.PostgresSchema = schema.Name;
            o.PollAfterSeconds = 0.5;
        }
        await using var first = await ReceiverApp.StartAsync(server.BaseAddress, tasks: OnPostgres);
        await using var second = await ReceiverApp.StartAsync(server.BaseAddress, tasks: OnPostgres);
        using var input = System.Text.Json.JsonDocument.Parse("""{"topic":"shared"}""");

        var task = await first.Tracker.SubmitAsync("echo", input.RootElement);

        Assert.IsType<PostgresTaskStore>(first.Store);
        Assert.Equal(task.TaskId, (await second.Tracker.GetAsync(task.TaskId))!.TaskId);
        var settled = await Eventually.GetAsync(() => second.TaskAsync(task.TaskId), t => t.IsFinished, "the task to settle");
        Assert.Equal(TrackedTaskStatus.Completed, settled.Status);
        Assert.Equal("shared", settled.Result!.Value.GetProperty("topic").GetString());
    }
}
