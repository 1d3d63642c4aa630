using Microsoft.Playwright;

namespace Boomerang.IntegrationTests.Dashboard;

/// <summary>
/// Debian's Chromium driven by Playwright, headless. Playwright cannot download its own browsers here, so the system
/// binary is launched by path (<c>BOOMERANG_CHROMIUM</c>, default <c>/usr/bin/chromium</c>; scripts/test.sh installs it).
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public IPlaywright Playwright { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Where page screenshots are kept: <c>TestResults/dashboard</c> at the repository root.</summary>
    public static string ScreenshotFolder { get; } = FindScreenshotFolder();

    public async Task InitializeAsync()
    {
        var chromium = Environment.GetEnvironmentVariable("BOOMERANG_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";
        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await Playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-dev-shm-usage"],
        });
    }

    public async Task DisposeAsync()
    {
        await Browser.CloseAsync();
        Playwright.Dispose();
    }

    private static string FindScreenshotFolder()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Boomerang.sln")))
        {
            dir = dir.Parent;
        }
        var folder = Path.Combine(dir?.FullName ?? AppContext.BaseDirectory, "TestResults", "dashboard");
        Directory.CreateDirectory(folder);
        return folder;
    }
}
