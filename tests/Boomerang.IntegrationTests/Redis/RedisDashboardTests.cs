using System.Net.Http.Json;
using System.Text.Json;
using Boomerang.IntegrationTests.Dashboard;
using Boomerang.IntegrationTests.Infrastructure;

namespace Boomerang.IntegrationTests.Redis;

/// <summary>The dashboard in a real browser on the Redis store (it answered 501 there before the store had its queries).</summary>
public sealed class RedisDashboardTests(BrowserFixture browser) : DashboardTestBase(browser)
{
    protected override async Task<(string, string)[]> StoreSettingsAsync() =>
        [.. TestRedis.Settings(await TestRedis.ConfigurationAsync(), TestRedis.NewPrefix()).Select(e => (e.Key, e.Value))];

    [Fact]
    public async Task The_overview_counts_and_the_jobs_list_show_the_tenants_jobs_on_redis()
    {
        using var response = await Server.Client.PostAsJsonAsync("/api/v1/jobs", new { kind = "echo", input = 1, idempotency_key = "redis-dash-1" });
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("job_id").GetString()!;
        await Server.Client.WaitForStatusAsync(id, "completed");

        await SignInAsync(TestServer.KeyA);
        await Page.WaitForSelectorAsync("h1:has-text('Overview')");
        var completed = await Page.TextContentAsync("a.completed");
        await Page.GotoAsync(Url("/dashboard/jobs?q=redis-dash-1"));
        var list = await Page.TextContentAsync("main");
        await Page.GotoAsync(Url($"/dashboard/jobs/{id}"));
        var detail = await Page.TextContentAsync("main");
        await ScreenshotAsync("redis-01-job");

        Assert.Equal("1", completed!.Trim());
        Assert.Contains(id, list);
        Assert.Contains("redis-dash-1", detail);
    }
}
