using Boomerang.Jobs;
using Boomerang.Server.Storage;
using Boomerang.Server.Storage.Redis;
using StackExchange.Redis;

namespace Boomerang.IntegrationTests.Redis;

/// <summary>The job hash's fields as a dashboard or script that reads them (the seed's <c>status</c>, <c>error</c>,
/// <c>callback_*</c>, and Boomerang's <c>callback_next_attempt_at</c>) sees them at each step of a job's life: pins
/// what the scripts write there, so a change to them that leaves a field stale fails here.</summary>
public sealed class RedisJobHashTests : RedisStoreTest
{
    private static NewJob Job() => new(Guid.CreateVersion7().ToString(), "t1", "echo", "1", null, Hook, false);

    [Fact]
    public async Task A_jobs_status_error_and_callback_fields_read_right_after_submit_finish_a_retry_and_a_landing()
    {
        var (ok, failed) = (Job(), Job());
        await Store.SubmitAsync([ok, failed], 10, default);
        var db = Stores.Redis.GetDatabase();
        string[] fields = ["status", "error", "callback_status", "callback_attempts", "callback_http_status", "callback_finished_at",
            "callback_last_error", "callback_next_attempt_at"];
        async Task<string> Fields(string id) => string.Join(" | ", (await db.HashGetAsync($"{Prefix}:job:{id}", [.. fields.Select(f => (RedisValue)f)]))
            .Select((v, i) => $"{fields[i]}={(v.IsNull ? "(none)" : (string?)v)}"));
        var submitted = "status=pending | error= | callback_status=pending | callback_attempts=0 | callback_http_status= | "
            + "callback_finished_at= | callback_last_error= | callback_next_attempt_at=(none)";
        Assert.Equal(submitted, await Fields(ok.Id));

        var claimed = await Store.ClaimAsync("w", 10, Lease, default);
        var finishedAt = Now;
        await Store.FinishAsync("w", [new JobOutcome(ok.Id, claimed.Single(c => c.Id == ok.Id).Attempt, JobStatus.Completed, "1", null),
            new JobOutcome(failed.Id, claimed.Single(c => c.Id == failed.Id).Attempt, JobStatus.Failed, null, "boom")], default);
        var due = $"callback_next_attempt_at={RedisJobStore.Num(finishedAt)}";
        Assert.Equal($"status=completed | error= | callback_status=pending | callback_attempts=0 | callback_http_status= | "
            + $"callback_finished_at= | callback_last_error= | {due}", await Fields(ok.Id));
        Assert.Equal($"status=failed | error=boom | callback_status=pending | callback_attempts=0 | callback_http_status= | "
            + $"callback_finished_at= | callback_last_error= | {due}", await Fields(failed.Id));

        var delivery = (await Store.ClaimDeliveriesAsync("d", 10, Lease, [], default)).Single(d => d.JobId == ok.Id);
        await Store.RecordAttemptsAsync("d", [new DeliveryAttempt(delivery, Now, 1, 503, "HTTP 503", null, CallbackStatus.Pending, Now + 60)], default);
        Assert.Equal($"status=completed | error= | callback_status=pending | callback_attempts=1 | callback_http_status=503 | "
            + $"callback_finished_at= | callback_last_error=HTTP 503 | callback_next_attempt_at={RedisJobStore.Num(Math.Round(Now + 60, 3))}", await Fields(ok.Id));

        Time.Advance(TimeSpan.FromSeconds(61));
        delivery = (await Store.ClaimDeliveriesAsync("d", 10, Lease, [], default)).Single(d => d.JobId == ok.Id);
        await Store.RecordAttemptsAsync("d", [new DeliveryAttempt(delivery, Now, 1, 200, null, "ok", CallbackStatus.Success, null)], default);
        Assert.Equal($"status=completed | error= | callback_status=success | callback_attempts=2 | callback_http_status=200 | "
            + $"callback_finished_at={RedisJobStore.Num(Now)} | callback_last_error= | callback_next_attempt_at=", await Fields(ok.Id));
    }
}
