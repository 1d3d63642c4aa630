using Boomerang.Jobs;
using Boomerang.Server.Storage;
using Microsoft.Extensions.Options;

namespace Boomerang.Server.Dedup2D.Storage;

/// <summary>
/// Deletes uploads nobody needs any more: those of finished jobs (canceled or interrupted ones included), and folders
/// with no job at all once older than <c>UploadRetentionSeconds</c> (a crash between saving and submitting).
/// Uploads of pending and running jobs are kept however old.
/// </summary>
internal sealed partial class UploadSweep(UploadStorage uploads, IJobStore store, IOptions<Dedup2DOptions> options,
    TimeProvider time, ILogger<UploadSweep> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(30), time);
        try
        {
            await LoopAsync(timer, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping, or the host never started (e.g. its port was taken): not a crash to report.
        }
    }

    private async Task LoopAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        do
        {
            try
            {
                await SweepAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or StoreUnavailableException)
            {
                LogSweepFailed(e.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    public async Task<int> SweepAsync(CancellationToken ct)
    {
        var root = uploads.Root;
        if (!Directory.Exists(root))
        {
            return 0;
        }
        var retention = options.Value.UploadRetentionSeconds;
        var deleted = 0;
        foreach (var dir in Directory.EnumerateDirectories(root))
        {
            var jobId = Path.GetFileName(dir);
            var job = await store.GetAsync(jobId, ct).ConfigureAwait(false);
            var age = (time.GetUtcNow() - Directory.GetLastWriteTimeUtc(dir)).TotalSeconds;
            if (job is not null ? JobStatus.IsFinished(job.Status) : retention > 0 && age > retention)
            {
                uploads.DeleteJob(jobId);
                deleted++;
            }
        }
        return deleted;
    }

    [LoggerMessage(EventId = 8110, Level = LogLevel.Warning, Message = "Dedup2D upload sweep failed: {Error}")]
    private partial void LogSweepFailed(string error);
}
