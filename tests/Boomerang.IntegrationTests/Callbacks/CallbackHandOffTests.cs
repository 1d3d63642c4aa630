using Boomerang.IntegrationTests.Infrastructure;
using Boomerang.Jobs;
using Microsoft.Data.Sqlite;

namespace Boomerang.IntegrationTests.Callbacks;

/// <summary>A finished job's delivery goes from the worker to the dispatcher of the same process in memory (its outbox
/// row committed already leased to that dispatcher). The server here is a child process killed with SIGKILL.</summary>
public sealed class CallbackHandOffTests
{
    private static Dictionary<string, string> Settings(string pollSeconds) => CallbackSettings.Loopback(
        ("Boomerang:Auth:ApiKeys:0", TestServer.KeyA),
        ("Boomerang:Jobs:LeaseSeconds", "1"),
        ("Boomerang:Callbacks:TimeoutSeconds", "3"),
        ("Boomerang:Callbacks:PollIntervalSeconds", pollSeconds));

    [Fact]
    public async Task A_callback_handed_to_the_dispatcher_is_delivered_by_the_next_server_when_the_first_dies_before_recording_it()
    {
        using var folder = new TempFolder();
        // The first request hangs: the first server dies with the callback handed off and in flight, never recorded.
        await using var receiver = await CallbackReceiver.StartAsync(new ScriptedResponse(200, Delay: TimeSpan.FromSeconds(60)), new ScriptedResponse(200));
        string jobId;
        // (That the finish leases the row to the dispatcher is DeliveryHandOffConformance; here the process dies.)
        await using (var first = await ServerProcess.StartReadyAsync(folder.Path, Settings("60")))
        {
            using var client = first.CreateClient();
            jobId = (await client.SubmitAsync(new { kind = "echo", callback_url = receiver.Url() })).JobId;
            await receiver.WaitForAsync(1, TimeSpan.FromSeconds(40));
            first.Kill9();
        }
        Assert.Equal((0L, true), await DeliveryRowAsync(folder.Path, jobId));

        await using var second = await ServerProcess.StartReadyAsync(folder.Path, Settings("1"));
        var job = await Eventually.GetAsync(() => second.CreateClient().GetJobAsync(jobId), j => j.CallbackStatus == "success",
            "the handed-off callback to be sent again", TimeSpan.FromSeconds(60));

        Assert.Equal(JobStatus.Completed, job.Status);
        Assert.Equal(2, receiver.Received.Count);
        Assert.Equal(receiver.Received[0].Header("webhook-id"), receiver.Received[1].Header("webhook-id"));
        Assert.Equal(1, job.CallbackAttempts);
    }

    /// <summary>The outbox row as the killed server left it: attempts recorded, and whether it is leased.</summary>
    private static async Task<(long Attempts, bool Leased)> DeliveryRowAsync(string folder, string jobId)
    {
        await using var c = new SqliteConnection($"Data Source={Path.Combine(folder, "data", "boomerang.db")};Pooling=False");
        await c.OpenAsync();
        await using var command = c.CreateCommand();
        command.CommandText = "SELECT attempts, lease_owner IS NOT NULL FROM deliveries WHERE job_id = $id";
        command.Parameters.AddWithValue("$id", jobId);
        await using var r = await command.ExecuteReaderAsync();
        Assert.True(await r.ReadAsync());
        return (r.GetInt64(0), r.GetInt64(1) == 1);
    }
}
