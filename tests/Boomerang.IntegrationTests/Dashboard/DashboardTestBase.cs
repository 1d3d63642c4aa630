using Boomerang.IntegrationTests.Callbacks;
using Boomerang.IntegrationTests.Infrastructure;
using Microsoft.Playwright;

namespace Boomerang.IntegrationTests.Dashboard;

/// <summary>A real server (admin token set, loopback callbacks allowed) and a fresh browser context per test.</summary>
public abstract class DashboardTestBase(BrowserFixture browser) : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    protected const string AdminToken = "dashboard-admin-token-0123456789abcdef";

    protected TestServer Server { get; private set; } = null!;
    protected IBrowserContext Context { get; private set; } = null!;
    protected IPage Page { get; private set; } = null!;

    protected virtual (string, string)[] ExtraSettings => [];

    /// <summary>The store the server runs on: the default (SQLite) unless a test class says otherwise.</summary>
    protected virtual Task<(string, string)[]> StoreSettingsAsync() => Task.FromResult<(string, string)[]>([]);

    public async Task InitializeAsync()
    {
        Server = await TestServer.StartAsync(CallbackSettings.Loopback(
            [("Boomerang:Auth:AdminToken", AdminToken), .. ExtraSettings, .. await StoreSettingsAsync()]));
        Context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        Page = await Context.NewPageAsync();
        Page.SetDefaultTimeout(30_000);
    }

    public async Task DisposeAsync()
    {
        await Context.CloseAsync();
        await Server.DisposeAsync();
    }

    protected string Url(string path) => new Uri(Server.BaseAddress, path).ToString();

    protected async Task SignInAsync(string credential)
    {
        await Page.GotoAsync(Url("/dashboard/login"));
        await Page.FillAsync("input[name=credential]", credential);
        await Page.ClickAsync("button[type=submit]");
    }

    protected Task ScreenshotAsync(string name) =>
        Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotFolder, name + ".png"), FullPage = true });
}
