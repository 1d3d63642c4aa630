using Boomerang.IntegrationTests.Infrastructure;
using Boomerang.IntegrationTests.Storage;
using Boomerang.Jobs;
using Boomerang.Server.Storage;
using Npgsql;

namespace Boomerang.IntegrationTests.Postgres;

/// <summary>Interleavings only PostgreSQL allows (SQLite runs every write in one writer, Redis one script at a time).</summary>
public sealed class DeliveryRaceTests : IAsyncLifetime
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);
    private readonly PostgresTestStore _stores = new();
    private NpgsqlDataSource _db = null!;
    private IJobStore _store = null!;

    public async Task InitializeAsync()
    {
        _store = await _stores.CreateAsync(new ManualTime());
        _db = _stores.DataSource;
        await _store.MigrateAsync(default);
    }

    public Task DisposeAsync() => _stores.DisposeAsync().AsTask();

    [Fact]
    public async Task A_redelivery_that_comes_in_while_a_first_attempt_is_being_recorded_keeps_that_attempt_in_the_list()
    {
        var job = new NewJob(Guid.CreateVersion7().ToString(), "t1", "echo", "1", null, "https://example.com/hook", false);
        await _store.SubmitAsync([job], 10, default);
        await _store.ClaimAsync("w", 1, Lease, default);
        await _store.FinishAsync("w", [new JobOutcome(job.Id, 1, JobStatus.Completed, "1", null)], default);
        var due = Assert.Single(await _store.ClaimDeliveriesAsync("d", 10, Lease, [], default));

        // The dispatcher's record of a first success, mid-transaction: it holds the delivery row, as its UPDATE does.
        await using var dispatcher = await _db.OpenConnectionAsync();
        await using var record = await dispatcher.BeginTransactionAsync();
        await using (var hold = new NpgsqlCommand("SELECT 1 FROM deliveries WHERE seq = @seq FOR UPDATE", dispatcher, record))
        {
            hold.Parameters.AddWithValue("seq", due.Seq);
            await hold.ExecuteNonQueryAsync();
        }
        var redeliver = _store.RedeliverAsync(job.Id, default);
        await Eventually.WaitAsync(async () =>
        {
            await using var probe = _db.CreateCommand(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query ILIKE '%deliveries%'");
            return (long)(await probe.ExecuteScalarAsync())! > 0;
        }, "the redelivery to wait for the delivery row");
        await using (var kept = new NpgsqlCommand("""
            UPDATE deliveries SET status = 'success', attempts = 1, http_status = 200, finished_at = 1, lease_owner = NULL,
                lease_expires_at = NULL, attempt_started_at = 1, attempt_duration_ms = 5, attempt_response_body = 'ok'
            WHERE seq = @seq
            """, dispatcher, record))
        {
            kept.Parameters.AddWithValue("seq", due.Seq);
            await kept.ExecuteNonQueryAsync();
        }
        await record.CommitAsync();

        Assert.Equal(RedeliverResult.Queued, (await redeliver).Result);
        var attempts = await _store.ListAttemptsAsync(job.Id, default);
        Assert.Equal([(1, 200, "ok")], attempts.Select(a => (a.Attempt, a.HttpStatus ?? 0, a.ResponseBody!)));
    }
}
