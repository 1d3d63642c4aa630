using Boomerang.IntegrationTests.Callbacks;
using Boomerang.IntegrationTests.Infrastructure;
using Boomerang.Jobs;
using Boomerang.Server.Dashboard;
using Boomerang.Server.Metrics;
using Boomerang.Server.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Boomerang.IntegrationTests.Dashboard;

/// <summary>The dashboard's and the metrics' store queries, run on every provider that has them.</summary>
public abstract class DashboardStoreTests : IAsyncLifetime
{
    protected TestServer Server { get; private set; } = null!;

    protected abstract Task<Dictionary<string, string>> ProviderSettingsAsync();

    public async Task InitializeAsync()
    {
        var settings = CallbackSettings.Loopback(("Boomerang:Jobs:Concurrency", "1"), ("Boomerang:Callbacks:MaxAttempts", "1"));
        foreach (var (key, value) in await ProviderSettingsAsync())
        {
            settings[key] = value;
        }
        Server = await TestServer.StartAsync(settings);
    }

    public virtual async Task DisposeAsync() => await Server.DisposeAsync();

    [Fact]
    public async Task Counts_search_paging_detail_and_host_errors_answer_for_the_right_tenant()
    {
        await using var receiver = await CallbackReceiver.StartAsync(new ScriptedResponse(500, Body: "nope"));
        using var tenantB = Server.CreateClient(TestServer.KeyB);
        var keyed = await Server.Client.SubmitAsync(new { kind = "echo", input = new { a = 1 }, idempotency_key = "order-42" });
        var second = await Server.Client.SubmitAsync(new { kind = "echo", input = 2 });
        var failed = await Server.Client.SubmitAsync(new { kind = "sleep", input = new { } });
        var called = await Server.Client.SubmitAsync(new { kind = "echo", input = 3, callback_url = receiver.Url() });
        var theirs = await tenantB.SubmitAsync(new { kind = "echo", input = "b" });
        foreach (var id in new[] { keyed.JobId, second.JobId, failed.JobId, called.JobId })
        {
            await Server.Client.WaitForStatusAsync(id, JobStatus.Completed, JobStatus.Failed);
        }
        await tenantB.WaitForStatusAsync(theirs.JobId, JobStatus.Completed);
        await Eventually.WaitAsync(async () => (await Server.Client.GetJobAsync(called.JobId)).CallbackStatus == CallbackStatus.Failed,
            "the callback to fail");
        var store = (IDashboardStore)Server.Services.GetRequiredService<IJobStore>();
        var tenantA = (await Server.Client.GetJobAsync(keyed.JobId)).TenantId;

        var mine = await store.CountByStatusAsync(tenantA, default);
        var all = await store.CountByStatusAsync(null, default);
        var firstPage = await store.SearchAsync(new DashboardQuery(tenantA, null, null, null, null, 3), default);
        var nextPage = await store.SearchAsync(new DashboardQuery(tenantA, null, null, null, firstPage.NextCursor, 3), default);
        var byKey = await store.SearchAsync(new DashboardQuery(tenantA, null, null, "order-42", null, 50), default);
        var byId = await store.SearchAsync(new DashboardQuery(tenantA, null, null, second.JobId, null, 50), default);
        var failedSleep = await store.SearchAsync(new DashboardQuery(tenantA, JobStatus.Failed, "sleep", null, null, 50), default);
        var otherTenant = await store.SearchAsync(new DashboardQuery(tenantA, null, null, theirs.JobId, null, 50), default);
        var everyone = await store.SearchAsync(new DashboardQuery(null, null, null, theirs.JobId, null, 50), default);
        var detail = await store.GetDetailAsync(keyed.JobId, default);
        var hosts = await store.HostErrorsAsync(tenantA, 5000, default);
        var hostsOfB = await store.HostErrorsAsync((await tenantB.GetJobAsync(theirs.JobId)).TenantId, 5000, default);

        Assert.Equal(3, mine[JobStatus.Completed]);
        Assert.Equal(1, mine[JobStatus.Failed]);
        Assert.Equal(4, all[JobStatus.Completed]);
        Assert.Equal([called.JobId, failed.JobId, second.JobId], firstPage.Jobs.Select(j => j.Id));
        Assert.Equal([keyed.JobId], nextPage.Jobs.Select(j => j.Id));
        Assert.Null(nextPage.NextCursor);
        Assert.Equal(keyed.JobId, Assert.Single(byKey.Jobs).Id);
        Assert.Equal(second.JobId, Assert.Single(byId.Jobs).Id);
        Assert.Equal(failed.JobId, Assert.Single(failedSleep.Jobs).Id);
        Assert.Empty(otherTenant.Jobs);
        Assert.Equal(theirs.JobId, Assert.Single(everyone.Jobs).Id);
        Assert.Equal("order-42", detail!.IdempotencyKey);
        Assert.Contains("\"a\"", detail.InputJson);
        var host = Assert.Single(hosts);
        Assert.Equal(new Uri(receiver.Url()).GetLeftPart(UriPartial.Authority), host.Host);
        Assert.Equal(1, host.Failed);
        Assert.Equal("http_status:500", host.LastError);
        Assert.Equal(500, host.LastHttpStatus);
        Assert.Empty(hostsOfB);
    }

    [Fact]
    public async Task Throughput_counts_the_jobs_finished_and_callbacks_delivered_since_a_time_for_the_right_tenant()
    {
        await using var receiver = await CallbackReceiver.StartAsync(new ScriptedResponse(200));
        using var tenantB = Server.CreateClient(TestServer.KeyB);
        var plain = await Server.Client.SubmitAsync(new { kind = "echo", input = 1 });
        var called = await Server.Client.SubmitAsync(new { kind = "echo", input = 2, callback_url = receiver.Url() });
        var theirs = await tenantB.SubmitAsync(new { kind = "echo", input = 3 });
        await Server.Client.WaitForStatusAsync(plain.JobId, JobStatus.Completed);
        await tenantB.WaitForStatusAsync(theirs.JobId, JobStatus.Completed);
        await Eventually.WaitAsync(async () => (await Server.Client.GetJobAsync(called.JobId)).CallbackStatus == CallbackStatus.Success,
            "the callback to land");
        var store = (IDashboardStore)Server.Services.GetRequiredService<IJobStore>();
        var tenantA = (await Server.Client.GetJobAsync(plain.JobId)).TenantId;
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;

        Assert.Equal(new Finished(2, 1), await store.FinishedSinceAsync(tenantA, now - 300, default));
        Assert.Equal(new Finished(3, 1), await store.FinishedSinceAsync(null, now - 300, default));
        Assert.Equal(new Finished(0, 0), await store.FinishedSinceAsync(null, now + 60, default));
    }

    [Fact]
    public async Task Active_counts_show_the_running_job_and_the_queue_behind_it()
    {
        var running = await Server.Client.SubmitAsync(new { kind = "sleep", input = new { ms = 600_000 } });
        await Server.Client.WaitForStatusAsync(running.JobId, JobStatus.InProgress);
        await Server.Client.SubmitAsync(new { kind = "echo", input = 1 });
        await Server.Client.SubmitAsync(new { kind = "echo", input = 2 });

        var (pending, inProgress) = await ((IJobCounts)Server.Services.GetRequiredService<IJobStore>()).CountActiveAsync(default);

        Assert.Equal(2, pending);
        Assert.Equal(1, inProgress);
    }
}

public sealed class SqliteDashboardStoreTests : DashboardStoreTests
{
    protected override Task<Dictionary<string, string>> ProviderSettingsAsync() => Task.FromResult(new Dictionary<string, string>());
}

public sealed class PostgresDashboardStoreTests : DashboardStoreTests
{
    private readonly TestSchema _schema = new();

    protected override Task<Dictionary<string, string>> ProviderSettingsAsync() => _schema.SettingsAsync();

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _schema.DisposeAsync();
    }
}

public sealed class RedisDashboardStoreTests : DashboardStoreTests
{
    protected override async Task<Dictionary<string, string>> ProviderSettingsAsync() =>
        TestRedis.Settings(await TestRedis.ConfigurationAsync(), TestRedis.NewPrefix());
}
