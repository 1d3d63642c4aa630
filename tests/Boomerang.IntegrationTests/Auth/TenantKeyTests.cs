using System.Net;
using Boomerang.IntegrationTests.Infrastructure;
using Boomerang.Server.Auth;

namespace Boomerang.IntegrationTests.Auth;

/// <summary>Issue 14.7: named tenants whose keys rotate, and a per-key rate limit.</summary>
public sealed class TenantKeyTests
{
    [Fact]
    public async Task A_named_tenants_keys_all_act_for_it_so_a_key_can_be_rotated_without_losing_its_jobs()
    {
        using var folder = new TempFolder();
        string jobId;
        await using (var before = await TestServer.StartAsync(new Dictionary<string, string>
        {
            ["Boomerang:Auth:Tenants:acme:Keys"] = "old-acme-key,new-acme-key",
        }, folder: new TempFolderView(folder)))
        {
            var job = await before.CreateClient("old-acme-key").SubmitAsync(new { kind = "echo", input = 1 });
            jobId = job.JobId;
            var seen = await before.CreateClient("new-acme-key").GetJobAsync(jobId);
            Assert.Equal("acme", seen.TenantId);
            Assert.Equal(HttpStatusCode.Forbidden, (await before.Client.GetAsync($"/api/v1/jobs/{jobId}")).StatusCode);
        }

        // The old key is retired: only the new one is configured.
        await using var after = await TestServer.StartAsync(new Dictionary<string, string>
        {
            ["Boomerang:Auth:Tenants:acme:Keys:0"] = "new-acme-key",
        }, folder: new TempFolderView(folder));

        Assert.Equal(HttpStatusCode.Unauthorized, (await after.CreateClient("old-acme-key").GetAsync($"/api/v1/jobs/{jobId}")).StatusCode);
        Assert.Equal(jobId, (await after.CreateClient("new-acme-key").GetJobAsync(jobId)).JobId);
    }

    [Fact]
    public async Task Plain_keys_keep_the_seeds_tenant_id_beside_named_tenants()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string> { ["Boomerang:Auth:Tenants:acme:Keys"] = "acme-key" });

        var job = await server.Client.SubmitAsync(new { kind = "echo", input = 1 });

        Assert.Equal(ApiKeyRing.TenantOf(TestServer.KeyA), (await server.Client.GetJobAsync(job.JobId)).TenantId);
    }

    [Fact]
    public async Task Over_its_rate_a_key_gets_429_with_retry_after_and_other_keys_do_not()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string>
        {
            ["Boomerang:Auth:RateLimit:RequestsPerSecond"] = "1",
            ["Boomerang:Auth:RateLimit:Burst"] = "3",
        });

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? limited = null;
        for (var i = 0; i < 20 && limited is null; i++)
        {
            var response = await server.Client.GetAsync("/api/v1/jobs");
            statuses.Add(response.StatusCode);
            limited = response.StatusCode == HttpStatusCode.TooManyRequests ? response : null;
        }

        Assert.NotNull(limited);
        Assert.True(statuses.Count(s => s == HttpStatusCode.OK) >= 3, string.Join(",", statuses));
        Assert.True(int.Parse(limited.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) >= 1);
        Assert.Equal("RATE_LIMITED", (await limited.ReadJsonAsync()).GetProperty("detail").GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.OK, (await server.CreateClient(TestServer.KeyB).GetAsync("/api/v1/jobs")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await server.CreateClient(null).GetAsync("/healthz")).StatusCode);
    }

    [Fact]
    public async Task Without_a_rate_setting_keys_are_not_limited()
    {
        await using var server = await TestServer.StartAsync();

        for (var i = 0; i < 50; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("/api/v1/jobs")).StatusCode);
        }
    }
}
