using System.Net.Http.Json;
using Boomerang.IntegrationTests.Infrastructure;
using Boomerang.Jobs;
using Microsoft.Data.Sqlite;

namespace Boomerang.IntegrationTests.Callbacks;

/// <summary>A delivery whose sending faults on Boomerang's side, not the receiver's: the fault is an attempt.</summary>
public sealed class CallbackFaultTests
{
    [Fact]
    public async Task A_stored_delivery_that_cannot_be_signed_fails_after_its_attempts_with_the_fault_in_its_attempt_log()
    {
        using var folder = new TempFolder();
        await using var receiver = await CallbackReceiver.StartAsync();
        string jobId;
        // No dispatcher on the first server: the finished job's delivery stays in the store, unsent and unleased.
        await using (var first = await TestServer.StartAsync(CallbackSettings.Loopback(("Boomerang:Roles", "api,worker")),
            folder: new TempFolderView(folder)))
        {
            jobId = (await first.Client.SubmitAsync(new { kind = "echo", callback_url = receiver.Url() })).JobId;
            await first.Client.WaitForStatusAsync(jobId, JobStatus.Completed);
        }
        // A row edited by hand: an empty webhook id, which signing refuses with an ArgumentException.
        await EmptyWebhookIdAsync(Path.Combine(folder.Path, "boomerang.db"), jobId);

        // Three failures would open the host's circuit for a minute, holding the next callback past its deadline.
        await using var server = await TestServer.StartAsync(CallbackSettings.Loopback(("Boomerang:Callbacks:MaxAttempts", "3"),
            ("Boomerang:Callbacks:CircuitFailureThreshold", "3"), ("Boomerang:Callbacks:CircuitOpenSeconds", "60")),
            folder: new TempFolderView(folder));
        var record = await server.Client.WaitForCallbackSettledAsync(jobId);

        Assert.Equal("failed", record.CallbackStatus);
        Assert.Equal(3, record.CallbackAttempts);
        Assert.Null(record.CallbackHttpStatus);
        Assert.Equal("internal error in Boomerang: ArgumentException", record.CallbackLastError);
        Assert.Equal(JobStatus.Completed, record.Status);
        var log = await server.Client.GetFromJsonAsync<DeliveryListResponse>($"/api/v1/jobs/{jobId}/deliveries", BoomerangJson.Options);
        Assert.Equal([1, 2, 3], log!.Deliveries.Select(d => d.Attempt));
        Assert.All(log.Deliveries, d =>
        {
            Assert.Null(d.HttpStatus);
            Assert.Equal("internal error in Boomerang: ArgumentException", d.Error);
            Assert.DoesNotContain(CallbackSettings.Secret, d.Error, StringComparison.Ordinal);
        });
        Assert.Empty(receiver.Received);

        // The server keeps working, for the same receiver too: not counted against its host.
        var next = await server.Client.SubmitAsync(new { kind = "echo", callback_url = receiver.Url() });
        var delivered = await server.Client.WaitForCallbackSettledAsync(next.JobId);
        Assert.Equal("success", delivered.CallbackStatus);
        Assert.Equal(next.JobId, Assert.Single(receiver.Received).Header("x-dedup-job-id"));
    }

    private static async Task EmptyWebhookIdAsync(string database, string jobId)
    {
        await using var c = new SqliteConnection($"Data Source={database};Pooling=False");
        await c.OpenAsync();
        await using var command = c.CreateCommand();
        command.CommandText = "UPDATE deliveries SET webhook_id = '' WHERE job_id = $id AND status = 'pending' AND lease_owner IS NULL";
        command.Parameters.AddWithValue("$id", jobId);
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }
}
