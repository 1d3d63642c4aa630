using System.Text.Json;
using Boomerang.IntegrationTests.Infrastructure;
using Boomerang.Receiver.Tasks;

namespace Boomerang.IntegrationTests.Receiver;

/// <summary>What every <see cref="ITaskStore"/> does, run on SQLite and on PostgreSQL (issue 14.9).</summary>
public abstract class TaskStoreConformance : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    protected ITaskStore Store { get; private set; } = null!;

    protected abstract Task<ITaskStore> CreateStoreAsync();
    protected virtual Task CleanUpAsync() => Task.CompletedTask;

    public async Task InitializeAsync()
    {
        Store = await CreateStoreAsync();
        await Store.MigrateAsync(default);
        await Store.MigrateAsync(default); // twice: migrating is idempotent
    }

    public async Task DisposeAsync()
    {
        if (Store is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }
        await CleanUpAsync();
    }

    private static TrackedTask NewTask(string? jobId = null, DateTimeOffset? at = null, string? id = null) =>
        new(id ?? Guid.NewGuid().ToString(), jobId, "echo", "https://app.example/cb", TrackedTaskStatus.Pending, 0, null, null,
            at ?? T0, at ?? T0, null);

    private static TaskUpdate Completed(string settledBy = SettledBy.Callback) =>
        new(TrackedTaskStatus.Completed, 100, JsonDocument.Parse("""{"ok":true}""").RootElement, null, settledBy);

    [Fact]
    public async Task A_created_task_reads_back_whole_and_lists_newest_first_with_a_status_filter()
    {
        var older = NewTask("job-1", T0);
        var newer = NewTask(null, T0.AddSeconds(1));
        await Store.CreateAsync(older, """{"a":1}""", default);
        await Store.CreateAsync(newer, null, default);

        Assert.Equal(older, await Store.GetAsync(older.TaskId, default));
        Assert.Null(await Store.GetAsync("missing", default));
        Assert.Equal([newer.TaskId, older.TaskId], (await Store.ListAsync(null, 10, default)).Select(t => t.TaskId));
        Assert.Equal(2, (await Store.ListAsync(TrackedTaskStatus.Pending, 10, default)).Count);
        Assert.Empty(await Store.ListAsync(TrackedTaskStatus.Completed, 10, default));
        Assert.Single(await Store.ListAsync(null, 1, default));
    }

    [Fact]
    public async Task A_job_id_is_attached_once()
    {
        var task = NewTask();
        await Store.CreateAsync(task, null, default);

        await Store.AttachJobAsync(task.TaskId, "job-a", T0.AddSeconds(1), default);
        await Store.AttachJobAsync(task.TaskId, "job-b", T0.AddSeconds(2), default);

        Assert.Equal("job-a", (await Store.GetAsync(task.TaskId, default))!.JobId);
    }

    [Fact]
    public async Task A_completed_claim_settles_the_task_and_the_same_webhook_is_then_already_processed()
    {
        var task = NewTask("job-1");
        await Store.CreateAsync(task, null, default);

        var claim = await Store.TryClaimAsync(task.TaskId, "msg_1", T0, Lease, default);
        Assert.Equal(ClaimOutcome.Claimed, claim.Outcome);
        Assert.True(await Store.CompleteClaimAsync(claim, Completed(), "msg_1", T0.AddSeconds(1), default));

        var settled = (await Store.GetAsync(task.TaskId, default))!;
        Assert.Equal((TrackedTaskStatus.Completed, 100, SettledBy.Callback), (settled.Status, settled.Progress, settled.SettledBy));
        Assert.True(settled.Result!.Value.GetProperty("ok").GetBoolean());
        Assert.Equal(ClaimOutcome.AlreadyProcessed, (await Store.TryClaimAsync(task.TaskId, "msg_1", T0.AddSeconds(2), Lease, default)).Outcome);
        Assert.Equal(ClaimOutcome.AlreadyProcessed, (await Store.TryClaimAsync(task.TaskId, "msg_2", T0.AddSeconds(2), Lease, default)).Outcome);
        Assert.Equal(ClaimOutcome.NotFound, (await Store.TryClaimAsync("missing", null, T0, Lease, default)).Outcome);
    }

    [Fact]
    public async Task A_running_lease_makes_others_busy_until_it_runs_out_and_a_lost_claim_cannot_complete()
    {
        var task = NewTask("job-1");
        await Store.CreateAsync(task, null, default);

        var first = await Store.TryClaimAsync(task.TaskId, "msg_1", T0, Lease, default);
        Assert.Equal(ClaimOutcome.Busy, (await Store.TryClaimAsync(task.TaskId, "msg_2", T0.AddSeconds(10), Lease, default)).Outcome);
        var second = await Store.TryClaimAsync(task.TaskId, "msg_2", T0 + Lease, Lease, default);

        Assert.Equal(ClaimOutcome.Claimed, second.Outcome);
        Assert.False(await Store.CompleteClaimAsync(first, Completed(), "msg_1", T0 + Lease, default));
        Assert.True(await Store.CompleteClaimAsync(second, Completed(), "msg_2", T0 + Lease, default));
    }

    [Fact]
    public async Task A_released_claim_leaves_the_task_unchanged_and_claimable()
    {
        var task = NewTask("job-1");
        await Store.CreateAsync(task, null, default);

        var claim = await Store.TryClaimAsync(task.TaskId, "msg_1", T0, Lease, default);
        await Store.ReleaseClaimAsync(claim, default);

        Assert.Equal(TrackedTaskStatus.Pending, (await Store.GetAsync(task.TaskId, default))!.Status);
        Assert.Equal(ClaimOutcome.Claimed, (await Store.TryClaimAsync(task.TaskId, "msg_1", T0, Lease, default)).Outcome);
    }

    [Fact]
    public async Task Of_many_concurrent_claims_exactly_one_is_taken()
    {
        var task = NewTask("job-1");
        await Store.CreateAsync(task, null, default);

        var claims = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Store.TryClaimAsync(task.TaskId, $"msg_{i}", T0, Lease, default)));

        Assert.Single(claims, c => c.Outcome == ClaimOutcome.Claimed);
        Assert.All(claims.Where(c => c.Outcome != ClaimOutcome.Claimed), c => Assert.Equal(ClaimOutcome.Busy, c.Outcome));
    }

    [Fact]
    public async Task Open_tasks_with_a_job_are_due_for_polling_until_polled_and_finished_ones_never()
    {
        var open = NewTask("job-1", T0);
        var done = NewTask("job-2", T0);
        var unsubmitted = NewTask(null, T0);
        await Store.CreateAsync(open, null, default);
        await Store.CreateAsync(done, null, default);
        await Store.CreateAsync(unsubmitted, null, default);
        var claim = await Store.TryClaimAsync(done.TaskId, null, T0, Lease, default);
        await Store.CompleteClaimAsync(claim, Completed(SettledBy.Polling), null, T0, default);

        Assert.Equal([open.TaskId], (await Store.ListDueForPollingAsync(T0.AddSeconds(1), 10, default)).Select(t => t.TaskId));
        Assert.Empty(await Store.ListDueForPollingAsync(T0.AddSeconds(-1), 10, default));
        await Store.MarkPolledAsync(open.TaskId, T0.AddSeconds(5), default);
        Assert.Empty(await Store.ListDueForPollingAsync(T0.AddSeconds(1), 10, default));
        Assert.Single(await Store.ListDueForPollingAsync(T0.AddSeconds(5), 10, default));
    }

    [Fact]
    public async Task Tasks_without_a_job_id_are_listed_with_their_input_until_a_job_is_attached()
    {
        var task = NewTask(null, T0);
        await Store.CreateAsync(task, """{"topic":"x"}""", default);
        await Store.CreateAsync(NewTask(null, T0.AddSeconds(1)), null, default);

        var due = await Store.ListUnsubmittedAsync(T0.AddSeconds(2), 10, default);
        Assert.Equal(2, due.Count);
        Assert.Equal("""{"topic":"x"}""", due.Single(d => d.Task.TaskId == task.TaskId).JobInput);
        Assert.Null(due.Single(d => d.Task.TaskId != task.TaskId).JobInput);

        await Store.AttachJobAsync(task.TaskId, "job-1", T0.AddSeconds(3), default);
        Assert.DoesNotContain(await Store.ListUnsubmittedAsync(T0.AddSeconds(4), 10, default), d => d.Task.TaskId == task.TaskId);
    }

    [Fact]
    public async Task Processed_webhooks_older_than_the_cut_are_purged_and_newer_ones_kept()
    {
        var a = NewTask("job-1");
        var b = NewTask("job-2");
        await Store.CreateAsync(a, null, default);
        await Store.CreateAsync(b, null, default);
        await Store.CompleteClaimAsync(await Store.TryClaimAsync(a.TaskId, "msg_old", T0, Lease, default), Completed(), "msg_old", T0, default);
        await Store.CompleteClaimAsync(await Store.TryClaimAsync(b.TaskId, "msg_new", T0, Lease, default), Completed(), "msg_new", T0.AddDays(2), default);

        Assert.Equal(1, await Store.PurgeProcessedWebhooksAsync(T0.AddDays(1), default));
        Assert.Equal(0, await Store.PurgeProcessedWebhooksAsync(T0.AddDays(1), default));
    }
}

public sealed class SqliteTaskStoreConformance : TaskStoreConformance
{
    private readonly TempFolder _folder = new();

    protected override Task<ITaskStore> CreateStoreAsync() =>
        Task.FromResult<ITaskStore>(new SqliteTaskStore(Path.Combine(_folder.Path, "tasks.db")));

    protected override Task CleanUpAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _folder.Dispose();
        return Task.CompletedTask;
    }
}

public sealed class PostgresTaskStoreConformance : TaskStoreConformance
{
    private TestSchema? _schema;

    protected override async Task<ITaskStore> CreateStoreAsync()
    {
        var (schema, connectionString) = await TestSchema.CreateAsync();
        _schema = schema;
        return new PostgresTaskStore(connectionString, schema.Name);
    }

    protected override async Task CleanUpAsync()
    {
        if (_schema is not null)
        {
            await _schema.DisposeAsync();
        }
    }
}
