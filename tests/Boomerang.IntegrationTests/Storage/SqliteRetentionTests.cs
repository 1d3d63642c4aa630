using Boomerang.IntegrationTests.Infrastructure;
using Boomerang.Jobs;
using Boomerang.Server.Storage;
using Boomerang.Server.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Boomerang.IntegrationTests.Storage;

/// <summary>A SQLite store under steady load with retention keeps a bounded size and gives freed space back.</summary>
public sealed class SqliteRetentionTests : IAsyncLifetime
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Keep = TimeSpan.FromHours(1);
    private readonly TempFolder _folder = new();
    private readonly ManualTime _time = new();
    private SqliteJobStore _store = null!;
    private string DbPath => Path.Combine(_folder.Path, "store.db");

    public async Task InitializeAsync()
    {
        _store = new SqliteJobStore(DbPath, 500, _time);
        await _store.MigrateAsync(default);
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        _folder.Dispose();
    }

    /// <summary>One round of steady load: jobs with 4 KB inputs and callbacks run, are called back, and age out.</summary>
    private async Task RoundAsync(int jobs, bool sweep = true)
    {
        var input = $$"""{"blob":"{{new string('x', 4096)}}"}""";
        var batch = Enumerable.Range(0, jobs).Select(_ => new NewJob(Guid.CreateVersion7().ToString(), "t", "echo", input, null,
            "https://example.com/hook", false)).ToList();
        await _store.SubmitAsync(batch, 100_000, default);
        var claimed = await _store.ClaimAsync("w", jobs, Lease, default);
        await _store.FinishAsync("w", claimed.Select(j => new JobOutcome(j.Id, j.Attempt, JobStatus.Completed, input, null)).ToList(), default);
        var due = await _store.ClaimDeliveriesAsync("d", jobs, Lease, [], default);
        await _store.RecordAttemptsAsync("d", due.Select(d => new DeliveryAttempt(d, 0, 1, 200, null, "ok", CallbackStatus.Success, null)).ToList(), default);
        _time.Advance(Keep + TimeSpan.FromMinutes(1));
        while (sweep && await _store.PurgeFinishedAsync(Keep, 100, default) > 0)
        {
        }
    }

    private long FileBytes()
    {
        using var c = new SqliteConnection($"Data Source={DbPath};Pooling=false");
        c.Open();
        using (var checkpoint = c.CreateCommand())
        {
            checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
            checkpoint.ExecuteNonQuery();
        }
        return new FileInfo(DbPath).Length;
    }

    private long Pragma(string name)
    {
        using var c = new SqliteConnection($"Data Source={DbPath};Pooling=false");
        c.Open();
        using var command = c.CreateCommand();
        command.CommandText = $"PRAGMA {name}";
        return (long)command.ExecuteScalar()!;
    }

    [Fact]
    public async Task Steady_load_with_retention_keeps_the_file_size_bounded()
    {
        for (var i = 0; i < 3; i++)
        {
            await RoundAsync(300);
        }
        var warm = FileBytes();
        for (var i = 0; i < 12; i++)
        {
            await RoundAsync(300);
        }
        var later = FileBytes();

        // 15 rounds hold ~36 MB of inputs and results; with retention the file stays at what a round or two needs.
        Assert.True(later <= warm * 1.25 + 256 * 1024, $"file grew from {warm} to {later} bytes under steady load");
        Assert.True(later < 8 * 1024 * 1024, $"file is {later} bytes");
    }

    [Fact]
    public async Task Space_freed_by_retention_goes_back_to_the_file_system()
    {
        await RoundAsync(600, sweep: false);
        var full = FileBytes();

        while (await _store.PurgeFinishedAsync(Keep, 100, default) > 0)
        {
        }
        var swept = FileBytes();

        Assert.Equal(2L, Pragma("auto_vacuum"));
        Assert.True(Pragma("freelist_count") < 100, $"{Pragma("freelist_count")} free pages left in the file");
        Assert.True(swept < full / 4, $"file went from {full} to {swept} bytes");
    }
}
