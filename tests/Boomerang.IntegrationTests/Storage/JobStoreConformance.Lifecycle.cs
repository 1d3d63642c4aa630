using System.Text.Json;
using System.Text.RegularExpressions;
using Boomerang.Jobs;
using Boomerang.Server.Storage;

namespace Boomerang.IntegrationTests.Storage;

/// <summary>The lifecycle rules every provider takes from the shared component: outbox entries, rescue, redelivery,
/// attempts, admission and paging.</summary>
public abstract partial class JobStoreConformance
{
    private const string Hook = "https://example.com/hook";

    private double Now => Time.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0;

    private static JsonElement Payload(DueDelivery d) => JsonDocument.Parse(d.Payload).RootElement;

    [Theory]
    [InlineData(JobStatus.Completed)]
    [InlineData(JobStatus.Failed)]
    [InlineData(JobStatus.Canceled)]
    public async Task A_finished_job_queues_its_terminal_callback_with_event_payload_and_a_fresh_webhook_id(string status)
    {
        var job = Job(url: Hook);
        await _store.SubmitAsync([job], 10, default);
        await _store.ClaimAsync("w", 1, Lease, default);
        var startedAt = Now;
        Time.Advance(TimeSpan.FromSeconds(5));
        await _store.SetProgressAsync("w", new LeasedJob(job.Id, 1), 40, default);
        Time.Advance(TimeSpan.FromSeconds(5));
        var finishedAt = Now;
        await _store.FinishAsync("w", [new JobOutcome(job.Id, 1, status,
            status == JobStatus.Completed ? """{"ok":true}""" : null, status == JobStatus.Failed ? "boom" : null)], default);

        var read = await _store.GetAsync(job.Id, default);
        var due = Assert.Single(await _store.ClaimDeliveriesAsync("d", 10, Lease, [], default));
        var payload = Payload(due);

        Assert.Equal(CallbackStatus.Pending, read!.CallbackStatus);
        Assert.Equal(finishedAt, read.CallbackNextAttemptAt);
        Assert.Equal(CallbackEvent.ForStatus(status), due.Event);
        Assert.Matches(new Regex("^msg_[0-9a-f]{32}$"), due.WebhookId);
        Assert.Equal((job.Id, "t1", Hook, "https://example.com:443", 0), (due.JobId, due.TenantId, due.Url, due.Host, due.Attempts));
        Assert.Equal(CallbackEvent.ForStatus(status), payload.GetProperty("event").GetString());
        Assert.Equal(status, payload.GetProperty("status").GetString());
        Assert.Equal(job.Id, payload.GetProperty("job_id").GetString());
        Assert.Equal("t1", payload.GetProperty("tenant_id").GetString());
        Assert.Equal("echo", payload.GetProperty("kind").GetString());
        Assert.Equal(status == JobStatus.Completed ? 100 : 40, payload.GetProperty("progress").GetInt32());
        Assert.Equal(status == JobStatus.Completed ? 100 : 40, read.Progress);
        Assert.Equal(startedAt, payload.GetProperty("started_at").GetDouble());
        Assert.Equal(finishedAt, payload.GetProperty("finished_at").GetDouble());
        Assert.Equal(status == JobStatus.Completed ? """{"ok":true}""" : "null", payload.GetProperty("result").GetRawText());
        Assert.Equal(status == JobStatus.Failed ? "boom" : null, payload.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Progress_callbacks_are_queued_only_for_jobs_with_a_callback_that_asked_for_them()
    {
        var asked = Job(url: Hook, progress: true);
        var silent = Job(url: Hook);
        var noUrl = Job(progress: true);
        await _store.SubmitAsync([asked, silent, noUrl], 10, default);
        await _store.ClaimAsync("w", 3, Lease, default);
        var startedAt = Now;

        foreach (var job in new[] { asked, silent, noUrl })
        {
            await _store.SetProgressAsync("w", new LeasedJob(job.Id, 1), 30, default);
        }
        var progress = Assert.Single(await _store.ClaimDeliveriesAsync("d", 10, Lease, [], default));
        await _store.FinishAsync("w", [new JobOutcome(asked.Id, 1, JobStatus.Completed, "1", null)], default);
        var terminal = Assert.Single(await _store.ClaimDeliveriesAsync("d", 10, Lease, [], default));

        Assert.Equal((asked.Id, CallbackEvent.Progress), (progress.JobId, progress.Event));
        var payload = Payload(progress);
        Assert.Equal(JobStatus.InProgress, payload.GetProperty("status").GetString());
        Assert.Equal(30, payload.GetProperty("progress").GetInt32());
        Assert.Equal(startedAt, payload.GetProperty("started_at").GetDouble());
        Assert.Equal(JsonValueKind.Null, payload.GetProperty("finished_at").ValueKind);
        Assert.Equal(CallbackEvent.Completed, terminal.Event);
        Assert.NotEqual(progress.WebhookId, terminal.WebhookId);
        // The progress delivery is not the job's terminal callback: the job shows the terminal one.
        Assert.Equal(0, (await _store.GetAsync(asked.Id, default))!.CallbackAttempts);
    }

    [Fact]
    public async Task A_callback_skipped_by_cancel_before_start_is_kept_whole_and_can_be_redelivered()
    {
        var job = Job(url: Hook);
        await _store.SubmitAsync([job], 10, default);
        var canceledAt = Now;
        await _store.CancelAsync(job.Id, default);

        Assert.Empty(await _store.ClaimDeliveriesAsync("d", 10, Lease, [], default));
        var skipped = await _store.GetAsync(job.Id, default);
        Assert.Equal((CallbackStatus.Skipped, Outbox.CanceledBeforeStart, 0), (skipped!.CallbackStatus, skipped.CallbackLastError, skipped.CallbackAttempts));
        Assert.Equal(canceledAt, skipped.CallbackFinishedAt);
        Assert.Null(skipped.CallbackNextAttemptAt);

        Time.Advance(TimeSpan.FromSeconds(3));
        var redelivered = await _store.RedeliverAsync(job.Id, default);
        var due = Assert.Single(await _store.ClaimDeliveriesAsync("d", 10, Lease, [], default));

        Assert.Equal(RedeliverResult.Queued, redelivered.Result);
        Assert.Equal(redelivered.WebhookId, due.WebhookId);
        Assert.Equal(CallbackEvent.Canceled, due.Event);
        var payload = Payload(due);
        Assert.Equal(JobStatus.Canceled, payload.GetProperty("status").GetString());
        Assert.Equal(canceledAt, payload.GetProperty("finished_at").GetDouble());
        Assert.Equal(JsonValueKind.Null, payload.GetProperty("started_at").ValueKind);
    }

    [Fact]
    public async Task Redelivery_refuses_missing_callbackless_and_unfinished_jobs_and_requeues_a_finished_one_afresh()
    {
        var plain = Job();
        var running = Job(url: Hook);
        var done = Job(url: Hook);
        var waiting = Job(url: Hook);
        await _store.SubmitAsync([plain, running, done, waiting], 10, default);
        await _store.ClaimAsync("w", 3, Lease, default);
        await _store.FinishAsync("w", [new JobOutcome(plain.Id, 1, JobStatus.Completed, "1", null),
            new JobOutcome(done.Id, 1, JobStatus.Completed, "1", null)], default);
        var first = Assert.Single(await _store.ClaimDeliveriesAsync("d", 10, Lease, [], default));
        await _store.RecordAttemptsAsync("d", [new DeliveryAttempt(first, Now, 5, 410, "HTTP 410", "gone", CallbackStatus.Failed, null)], default);
        Assert.Equal((CallbackStatus.Failed, 1), ((await _store.GetAsync(done.Id, default))!.CallbackStatus, (await _store.GetAsync(done.Id, default))!.CallbackAttempts));

        Assert.Equal(RedeliverResult.NotFound, (await _store.RedeliverAsync("missing", default)).Result);
        Assert.Equal(RedeliverResult.NoCallback, (await _store.RedeliverAsync(plain.Id, default)).Result);
        Assert.Equal(RedeliverResult.NotFinished, (await _store.RedeliverAsync(running.Id, default)).Result);
        Assert.Equal(RedeliverResult.NotFinished, (await _store.RedeliverAsync(waiting.Id, default)).Result);
        Time.Advance(TimeSpan.FromMinutes(1));
        var queued = await _store.RedeliverAsync(done.Id, default);

        Assert.Equal((RedeliverResult.Queued, first.WebhookId), (queued.Result, queued.WebhookId));
        var read = await _store.GetAsync(done.Id, default);
        Assert.Equal((CallbackStatus.Pending, 0, null, null, null), (read!.CallbackStatus, read.CallbackAttempts, read.CallbackHttpStatus,
            read.CallbackLastError, read.CallbackFinishedAt));
        Assert.Equal(Now, read.CallbackNextAttemptAt);
        var again = Assert.Single(await _store.ClaimDeliveriesAsync("d", 10, Lease, [], default));
        Assert.Equal((first.WebhookId, 0), (again.WebhookId, again.Attempts));
        Assert.Single(await _store.ListAttemptsAsync(done.Id, default));
    }

    [Fact]
    public async Task An_attempt_moves_its_delivery_to_a_later_retry_or_to_a_final_state()
    {
        var job = Job(url: Hook);
        await _store.SubmitAsync([job], 10, default);
        await _store.ClaimAsync("w", 1, Lease, default);
        await _store.FinishAsync("w", [new JobOutcome(job.Id, 1, JobStatus.Completed, "1", null)], default);
        var first = Assert.Single(await _store.ClaimDeliveriesAsync("d", 10, Lease, [], default));

        var retryAt = Now + 60;
        await _store.RecordAttemptsAsync("d", [new DeliveryAttempt(first, Now, 12.5, 503, "HTTP 503", "busy", CallbackStatus.Pending, retryAt)], default);
        var waiting = await _store.GetAsync(job.Id, default);
        var early = await _store.ClaimDeliveriesAsync("d", 10, Lease, [], default);
        Time.Advance(TimeSpan.FromSeconds(61));
        var second = Assert.Single(await _store.ClaimDeliveriesAsync("d", 10, Lease, [], default));
        await _store.RecordAttemptsAsync("d", [new DeliveryAttempt(second, Now, 3, 200, null, "ok", CallbackStatus.Success, Now + 999)], default);
        var delivered = await _store.GetAsync(job.Id, default);
        var attempts = await _store.ListAttemptsAsync(job.Id, default);

        Assert.Equal((CallbackStatus.Pending, 1, 503, "HTTP 503", retryAt, null),
            (waiting!.CallbackStatus, waiting.CallbackAttempts, waiting.CallbackHttpStatus, waiting.CallbackLastError,
            waiting.CallbackNextAttemptAt, waiting.CallbackFinishedAt));
        Assert.Empty(early);
        Assert.Equal(1, second.Attempts);
        Assert.Equal((CallbackStatus.Success, 2, 200, null, null, Now),
            (delivered!.CallbackStatus, delivered.CallbackAttempts, delivered.CallbackHttpStatus, delivered.CallbackLastError,
            delivered.CallbackNextAttemptAt, delivered.CallbackFinishedAt));
        Assert.Equal([(1, 503, "busy"), (2, 200, "ok")], attempts.Select(a => (a.Attempt, a.HttpStatus ?? 0, a.ResponseBody!)));
        Assert.All(attempts, a => Assert.Equal(first.WebhookId, a.WebhookId));
    }

    [Fact]
    public async Task Attempts_that_started_together_are_listed_by_delivery_and_a_kept_one_after_the_logged_ones()
    {
        var job = Job(url: Hook, progress: true);
        await _store.SubmitAsync([job], 10, default);
        await _store.ClaimAsync("w", 1, Lease, default);
        await _store.SetProgressAsync("w", new LeasedJob(job.Id, 1), 30, default);
        var progress = Assert.Single(await _store.ClaimDeliveriesAsync("d", 10, Lease, [], default));
        await _store.FinishAsync("w", [new JobOutcome(job.Id, 1, JobStatus.Completed, "1", null)], default);
        var terminal = Assert.Single(await _store.ClaimDeliveriesAsync("d", 10, Lease, [], default));
        var at = Now;

        // Recorded terminal first, in one batch: the order that counts is the deliveries', not the batch's.
        await _store.RecordAttemptsAsync("d", [
            new DeliveryAttempt(terminal, at, 1, 503, "HTTP 503", "busy", CallbackStatus.Pending, at + 60),
            new DeliveryAttempt(progress, at, 1, 200, null, "ok", CallbackStatus.Success, null)], default);

        Assert.Equal([(progress.WebhookId, 200), (terminal.WebhookId, 503)],
            (await _store.ListAttemptsAsync(job.Id, default)).Select(a => (a.WebhookId, a.HttpStatus ?? 0)));
    }

    [Fact]
    public async Task A_first_attempt_that_lands_is_listed_with_every_field_and_stays_listed_through_a_redelivery()
    {
        var job = Assert.Single(await CompletedWithCallbacksAsync(1));
        var first = Assert.Single(await _store.ClaimDeliveriesAsync("d", 10, Lease, [], default));
        var firstAt = Now;
        await _store.RecordAttemptsAsync("d", [new DeliveryAttempt(first, firstAt, 7.25, 204, null, "thanks", CallbackStatus.Success, null)], default);
        var landed = await _store.ListAttemptsAsync(job.Id, default);
        var read = await _store.GetAsync(job.Id, default);

        Time.Advance(TimeSpan.FromMinutes(1));
        await _store.RedeliverAsync(job.Id, default);
        var again = Assert.Single(await _store.ClaimDeliveriesAsync("d", 10, Lease, [], default));
        await _store.RecordAttemptsAsync("d", [new DeliveryAttempt(again, Now, 3, 500, "HTTP 500", "oops", CallbackStatus.Pending, Now + 30)], default);
        Time.Advance(TimeSpan.FromMinutes(1));
        var third = Assert.Single(await _store.ClaimDeliveriesAsync("d", 10, Lease, [], default));
        await _store.RecordAttemptsAsync("d", [new DeliveryAttempt(third, Now, 2, 200, null, "ok", CallbackStatus.Success, null)], default);
        var all = await _store.ListAttemptsAsync(job.Id, default);

        Assert.Equal([new DeliveryAttemptRecord(first.WebhookId, CallbackEvent.Completed, 1, firstAt, 7.25, 204, null, "thanks")], landed);
        Assert.Equal((CallbackStatus.Success, 1, 204), (read!.CallbackStatus, read.CallbackAttempts, read.CallbackHttpStatus));
        Assert.Equal([(1, 204, "thanks"), (1, 500, "oops"), (2, 200, "ok")], all.Select(a => (a.Attempt, a.HttpStatus ?? 0, a.ResponseBody!)));
        Assert.Equal([firstAt, firstAt + 60, firstAt + 120], all.Select(a => a.StartedAt));
        Assert.Equal([null, "HTTP 500", null], all.Select(a => a.Error));
    }

    [Fact]
    public async Task A_job_out_of_attempts_fails_with_the_worker_lost_reason_in_its_record_and_callback()
    {
        var job = Job(url: Hook);
        await _store.SubmitAsync([job], 10, default);
        await _store.ClaimAsync("dead", 1, Lease, default);
        await _store.SetProgressAsync("dead", new LeasedJob(job.Id, 1), 40, default);
        Time.Advance(Lease + TimeSpan.FromSeconds(1));

        Assert.Equal(1, await _store.RescueExpiredAsync(1, default));
        var read = await _store.GetAsync(job.Id, default);
        var due = Assert.Single(await _store.ClaimDeliveriesAsync("d", 10, Lease, [], default));

        Assert.Equal((JobStatus.Failed, "worker lost: lease expired on attempt 1 of 1", 40), (read!.Status, read.Error, read.Progress));
        Assert.Equal(CallbackEvent.Failed, due.Event);
        Assert.Equal("worker lost: lease expired on attempt 1 of 1", Payload(due).GetProperty("error").GetString());
        Assert.Equal(40, Payload(due).GetProperty("progress").GetInt32());
    }

    [Fact]
    public async Task A_known_idempotency_key_answers_with_its_job_and_current_status_even_when_the_queue_is_full()
    {
        var job = Job(key: "k");
        await _store.SubmitAsync([job], 1, default);
        await _store.ClaimAsync("w", 1, Lease, default);

        var again = await _store.SubmitAsync([Job(key: "k"), Job(key: "other")], 1, default);

        Assert.Equal(new SubmitOutcome(SubmitResult.Existing, job.Id, JobStatus.InProgress), again[0]);
        Assert.Equal(SubmitResult.QueueFull, again[1].Result);
    }

    [Fact]
    public async Task Paging_stops_with_no_cursor_when_the_last_page_is_exactly_full_and_keeps_the_status_filter()
    {
        var jobs = Enumerable.Range(0, 6).Select(_ => Job()).ToList();
        await _store.SubmitAsync(jobs, 100, default);
        await _store.ClaimAsync("w", 2, Lease, default);

        var page1 = await _store.ListAsync("t1", JobStatus.Pending, 2, null, default);
        var page2 = await _store.ListAsync("t1", JobStatus.Pending, 2, page1.NextCursor, default);
        var all = await _store.ListAsync("t1", null, 6, null, default);

        Assert.Equal([jobs[5].Id, jobs[4].Id], page1.Jobs.Select(j => j.Id));
        Assert.Equal(page1.Jobs[^1].Seq, page1.NextCursor);
        Assert.Equal([jobs[3].Id, jobs[2].Id], page2.Jobs.Select(j => j.Id));
        Assert.Null(page2.NextCursor);
        Assert.Equal(6, all.Jobs.Count);
        Assert.Null(all.NextCursor);
    }

    [Fact]
    public async Task Reads_honour_their_cancellation_token()
    {
        var job = Job();
        await _store.SubmitAsync([job], 10, default);
        using var canceled = new CancellationTokenSource();
        await canceled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _store.GetAsync(job.Id, canceled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _store.ListAsync("t1", null, 10, null, canceled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _store.ListAttemptsAsync(job.Id, canceled.Token));
        Assert.NotNull(await _store.GetAsync(job.Id, default));
    }

    [Fact]
    public async Task The_next_attempt_time_is_kept_to_the_millisecond_like_every_other_time()
    {
        var job = Job(url: Hook);
        await _store.SubmitAsync([job], 10, default);
        await _store.ClaimAsync("w", 1, Lease, default);
        await _store.FinishAsync("w", [new JobOutcome(job.Id, 1, JobStatus.Completed, "1", null)], default);
        var due = Assert.Single(await _store.ClaimDeliveriesAsync("d", 10, Lease, [], default));

        await _store.RecordAttemptsAsync("d", [new DeliveryAttempt(due, Now, 1, 500, "HTTP 500", null, CallbackStatus.Pending,
            Now + 12.3456789)], default);

        Assert.Equal(Math.Round(Now + 12.3456789, 3), (await _store.GetAsync(job.Id, default))!.CallbackNextAttemptAt);
    }
}
