using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Boomerang.IntegrationTests.Infrastructure;
using Microsoft.Playwright;

namespace Boomerang.IntegrationTests.Dashboard;

public sealed class DashboardTests(BrowserFixture browser) : DashboardTestBase(browser)
{
    protected override (string, string)[] ExtraSettings => [("Boomerang:Callbacks:MaxAttempts", "2")];

    private async Task<string> SubmitAsync(HttpClient client, object body)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/jobs", body);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("job_id").GetString()!;
    }

    private Task<JsonElement> WaitJobAsync(string id, Func<JsonElement, bool> done, string what) =>
        Eventually.GetAsync(async () => await Server.Client.GetFromJsonAsync<JsonElement>($"/api/v1/jobs/{id}"), done, what, TimeSpan.FromSeconds(30));

    [Fact]
    public async Task Sign_in_with_an_api_key_opens_the_overview_with_a_strict_http_only_cookie_and_a_wrong_key_is_refused()
    {
        await SubmitAsync(Server.Client, new { kind = "echo", input = 1 });
        await Page.GotoAsync(Url("/dashboard"));
        Assert.EndsWith("/dashboard/login", Page.Url);
        await ScreenshotAsync("01-sign-in");

        await SignInAsync("not-a-key");
        var refused = await Page.TextContentAsync("body");
        await SignInAsync(TestServer.KeyA);
        await Page.WaitForSelectorAsync("h1:has-text('Overview')");
        var cookie = Assert.Single(await Context.CookiesAsync(), c => c.Name == "boomerang_dashboard");
        await ScreenshotAsync("02-overview");

        Assert.Contains("not a valid API key or admin token", refused);
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, cookie.SameSite);
        Assert.Equal("/dashboard", cookie.Path);
        Assert.DoesNotContain(TestServer.KeyA, Page.Url);
        Assert.DoesNotContain(TestServer.KeyA, cookie.Value);
        Assert.Contains("tenant ", await Page.TextContentAsync("header"));
        Assert.Equal("1", (await Page.TextContentAsync("a.completed"))!.Trim());
    }

    [Fact]
    public async Task A_job_with_a_failing_callback_shows_every_attempt_and_its_host_on_the_overview()
    {
        await using var receiver = await CallbackReceiver.StartAsync(new ScriptedResponse(500, Body: "receiver is down for maintenance"));
        var id = await SubmitAsync(Server.Client, new { kind = "echo", input = new { n = 1 }, callback_url = receiver.Url() });
        await WaitJobAsync(id, j => j.GetProperty("callback_status").GetString() == "failed", "the callback to fail twice");

        await SignInAsync(TestServer.KeyA);
        await Page.GotoAsync(Url($"/dashboard/jobs/{id}"));
        var rows = await Page.Locator("table.attempts tr").AllTextContentsAsync();
        await ScreenshotAsync("04-job-failing-callback");
        await Page.GotoAsync(Url("/dashboard"));
        var overview = await Page.TextContentAsync("main");

        Assert.Equal(3, rows.Count); // header + two attempts
        Assert.All(rows.Skip(1), r => Assert.Contains("500", r));
        Assert.All(rows.Skip(1), r => Assert.Contains("receiver is down for maintenance", r));
        Assert.Contains(new Uri(receiver.Url()).GetLeftPart(UriPartial.Authority), overview);
        Assert.Contains("http_status:500", overview);
    }

    [Fact]
    public async Task Redeliver_from_the_job_page_reaches_a_live_receiver_with_the_same_webhook_id()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        var id = await SubmitAsync(Server.Client, new { kind = "echo", input = 7, callback_url = receiver.Url() });
        await receiver.WaitForAsync(1);
        await WaitJobAsync(id, j => j.GetProperty("callback_status").GetString() == "success", "the first delivery to be recorded");

        await SignInAsync(TestServer.KeyA);
        await Page.GotoAsync(Url($"/dashboard/jobs/{id}"));
        await Page.ClickAsync("a:has-text('Redeliver callback')");
        await ScreenshotAsync("05-confirm-redeliver");
        await Page.ClickAsync("button:has-text('Yes')");
        await Page.WaitForSelectorAsync(".flash");
        var received = await receiver.WaitForAsync(2);

        Assert.Equal(received[0].Header("webhook-id"), received[1].Header("webhook-id"));
        Assert.Equal(id, received[1].Json.GetProperty("job_id").GetString());
        Assert.Contains("queued again", await Page.TextContentAsync(".flash"));
    }

    [Fact]
    public async Task Cancel_from_the_job_page_cancels_a_running_job()
    {
        var id = await SubmitAsync(Server.Client, new { kind = "sleep", input = new { ms = 600_000 } });
        await WaitJobAsync(id, j => j.GetProperty("status").GetString() == "in_progress", "the job to start");

        await SignInAsync(TestServer.KeyA);
        await Page.GotoAsync(Url($"/dashboard/jobs/{id}"));
        await Page.ClickAsync("a:has-text('Cancel job')");
        await Page.ClickAsync("button:has-text('Yes')");
        await Page.WaitForSelectorAsync(".flash");
        var job = await WaitJobAsync(id, j => j.GetProperty("status").GetString() == "canceled", "the job to be canceled");
        await Page.ReloadAsync();

        Assert.Equal("canceled", job.GetProperty("status").GetString());
        Assert.Equal("canceled", (await Page.TextContentAsync("dd.canceled"))!.Trim());
        Assert.Equal(0, await Page.Locator("a:has-text('Cancel job')").CountAsync());
    }

    [Fact]
    public async Task A_job_whose_input_holds_markup_shows_it_as_text_and_runs_no_script()
    {
        const string Hostile = "<script>window.__xss = 1</script><img src=x onerror=window.__xss=2>";
        var id = await SubmitAsync(Server.Client, new { kind = "echo", input = new { html = Hostile }, idempotency_key = "<b>key</b>" });
        await WaitJobAsync(id, j => j.GetProperty("status").GetString() == "completed", "the job to complete");

        await SignInAsync(TestServer.KeyA);
        await Page.GotoAsync(Url($"/dashboard/jobs/{id}"));
        var inputText = await Page.Locator("pre").First.TextContentAsync();
        var scripts = await Page.Locator("script").CountAsync();
        var images = await Page.Locator("main img").CountAsync();
        var xss = await Page.EvaluateAsync<JsonElement>("() => window.__xss === undefined ? null : window.__xss");
        await ScreenshotAsync("06-job-with-markup");
        await Page.GotoAsync(Url("/dashboard/jobs?q=" + Uri.EscapeDataString("<b>key</b>")));
        var found = await Page.Locator("table a").AllTextContentsAsync();

        Assert.Contains(Hostile, inputText);
        Assert.Equal(0, scripts);
        Assert.Equal(0, images);
        Assert.Equal(JsonValueKind.Null, xss.ValueKind);
        Assert.Contains("<b>key</b>", await Page.InputValueAsync("input[name=q]"));
        Assert.Equal([id], found);
    }

    [Fact]
    public async Task Another_tenants_job_is_invisible_to_a_tenant_but_visible_to_the_admin()
    {
        using var tenantB = Server.CreateClient(TestServer.KeyB);
        var theirs = await SubmitAsync(tenantB, new { kind = "echo", input = "b" });
        var mine = await SubmitAsync(Server.Client, new { kind = "echo", input = "a" });

        await SignInAsync(TestServer.KeyA);
        await Page.GotoAsync(Url("/dashboard/jobs"));
        var list = await Page.TextContentAsync("main");
        await ScreenshotAsync("03-jobs");
        var direct = await Page.GotoAsync(Url($"/dashboard/jobs/{theirs}"));
        var directText = await Page.TextContentAsync("main");
        await Page.GotoAsync(Url($"/dashboard/jobs?q={theirs}"));
        var searched = await Page.TextContentAsync("main");
        await Page.ClickAsync("button:has-text('Sign out')");
        await SignInAsync(AdminToken);
        await Page.GotoAsync(Url("/dashboard/jobs"));
        var adminList = await Page.TextContentAsync("main");

        Assert.Contains(mine, list);
        Assert.DoesNotContain(theirs, list);
        Assert.Equal(404, direct!.Status);
        Assert.Contains("Job not found", directText);
        Assert.Contains("No jobs match", searched);
        Assert.Contains(theirs, adminList);
        Assert.Contains(mine, adminList);
    }

    [Fact]
    public async Task A_form_posted_without_its_anti_forgery_token_is_refused()
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = Server.BaseAddress };

        using var response = await http.PostAsync("/dashboard/login", new FormUrlEncodedContent([new("credential", TestServer.KeyA)]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(response.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith("boomerang_dashboard=", StringComparison.Ordinal)));
    }
}
