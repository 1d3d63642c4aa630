using Boomerang.IntegrationTests.Callbacks;
using Boomerang.IntegrationTests.Infrastructure;

namespace Boomerang.IntegrationTests.Cli;

/// <summary>A real server (loopback callbacks allowed, one signing secret) and a HOME folder for the CLI runs of one test.</summary>
public abstract class CliTestBase : IAsyncLifetime
{
    protected TestServer Server { get; private set; } = null!;
    protected TempFolder Home { get; } = new();

    public virtual async Task InitializeAsync() => Server = await TestServer.StartAsync(CallbackSettings.Loopback());

    public virtual async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        Home.Dispose();
    }

    /// <summary>Runs the tool with the server's URL and tenant A's key in the environment, as a user would set them.</summary>
    protected Task<CliResult> RunAsync(params string[] args) =>
        CliProcess.RunAsync(Home.Path, args, new Dictionary<string, string>
        {
            ["BOOMERANG_URL"] = Server.BaseAddress.ToString(),
            ["BOOMERANG_API_KEY"] = TestServer.KeyA,
        });

    protected Task<CliResult> RunBareAsync(IDictionary<string, string>? env, params string[] args) => CliProcess.RunAsync(Home.Path, args, env);
}
