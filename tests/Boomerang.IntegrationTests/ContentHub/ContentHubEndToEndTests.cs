using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Boomerang.IntegrationTests.Infrastructure;
using ContentHub;
using Microsoft.AspNetCore.Builder;

namespace Boomerang.IntegrationTests.ContentHub;

/// <summary>
/// The seed's flow end to end: the real Boomerang server runs the real content generator as a command job and calls
/// back the real ContentHub app, which was started exactly as <c>dotnet run --project samples/ContentHub</c> would
/// be, with the seed's settings.
/// </summary>
public sealed class ContentHubEndToEndTests : IAsyncLifetime
{
    private const string Secret = "contenthub-e2e-secret";
    private TestServer _server = null!;

    public async Task InitializeAsync()
    {
        var generator = Path.Combine(AppContext.BaseDirectory, "ContentGenerator.dll");
        _server = await TestServer.StartAsync(new Dictionary<string, string>
        {
            ["Boomerang:Jobs:Commands:content-generate:Path"] = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet",
            ["Boomerang:Jobs:Commands:content-generate:Args:0"] = generator,
            ["Boomerang:Jobs:Commands:content-generate:Env:CONTENT_GENERATOR_STEP_MS"] = "0",
            ["Boomerang:Callbacks:AllowHttp"] = "true",
            ["Boomerang:Callbacks:AllowedNetworks:0"] = "127.0.0.0/8",
            ["Boomerang:Callbacks:SigningSecrets:0"] = Secret,
        });
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_task_completes_through_its_signed_callback_in_under_two_seconds()
    {
        var port = FreePorts.Next();
        await using var hub = await StartContentHubAsync(port, callbackBase: $"http://127.0.0.1:{port}", pollAfterSeconds: 60);

        var created = await hub.Client.PostJsonAsync("/api/v1/content/tasks", new { topic = "webhooks" });
        var clock = Stopwatch.StartNew();
        Assert.Equal(HttpStatusCode.Accepted, created.StatusCode);
        var taskId = (await created.ReadJsonAsync()).GetProperty("task_id").GetString()!;
        var task = await Eventually.GetAsync(() => hub.TaskAsync(taskId), t => t.GetProperty("status").GetString() == "completed",
            "the task to complete", TimeSpan.FromSeconds(10));
        clock.Stop();

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.Elapsed}");
        Assert.Equal("callback", task.GetProperty("settled_by").GetString());
        Assert.Equal(100, task.GetProperty("progress").GetInt32());
        Assert.Equal("Webhooks: a short guide", task.GetProperty("result").GetProperty("title").GetString());
        var job = await _server.Client.WaitForCallbackSettledAsync(task.GetProperty("job_id").GetString()!);
        Assert.Equal("success", job.CallbackStatus);
    }

    [Fact]
    public async Task With_callbacks_blocked_the_task_still_completes_through_polling()
    {
        var port = FreePorts.Next();
        var unreachable = FreePorts.Next();
        await using var hub = await StartContentHubAsync(port, callbackBase: $"http://127.0.0.1:{unreachable}", pollAfterSeconds: 1);

        var created = await hub.Client.PostJsonAsync("/api/v1/content/tasks", new { topic = "resilience" });
        var taskId = (await created.ReadJsonAsync()).GetProperty("task_id").GetString()!;
        var task = await Eventually.GetAsync(() => hub.TaskAsync(taskId), t => t.GetProperty("status").GetString() == "completed",
            "the task to complete by polling");

        Assert.Equal("polling", task.GetProperty("settled_by").GetString());
        Assert.Equal("Resilience: a short guide", task.GetProperty("result").GetProperty("title").GetString());
        var job = await _server.Client.GetJobAsync(task.GetProperty("job_id").GetString()!);
        Assert.NotEqual("success", job.CallbackStatus);
    }

    [Fact]
    public async Task A_blank_topic_is_refused_with_400()
    {
        var port = FreePorts.Next();
        await using var hub = await StartContentHubAsync(port, callbackBase: $"http://127.0.0.1:{port}", pollAfterSeconds: 60);

        var created = await hub.Client.PostJsonAsync("/api/v1/content/tasks", new { topic = " " });
        var blank = await created.ReadJsonAsync();

        Assert.Equal(HttpStatusCode.BadRequest, created.StatusCode);
        Assert.Contains("topic", blank.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Tasks_can_be_listed_and_an_unknown_task_is_a_404()
    {
        var port = FreePorts.Next();
        await using var hub = await StartContentHubAsync(port, callbackBase: $"http://127.0.0.1:{port}", pollAfterSeconds: 60);
        await hub.Client.PostJsonAsync("/api/v1/content/tasks", new { topic = "one" });
        await hub.Client.PostJsonAsync("/api/v1/content/tasks", new { topic = "two" });

        var list = JsonDocument.Parse(await hub.Client.GetStringAsync("/api/v1/content/tasks")).RootElement.GetProperty("tasks");
        var missing = await hub.Client.GetAsync("/api/v1/content/tasks/nope");

        Assert.Equal(2, list.GetArrayLength());
        Assert.All(list.EnumerateArray(), t => Assert.True(t.TryGetProperty("created_at", out _) && t.TryGetProperty("updated_at", out _)));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    private async Task<Hub> StartContentHubAsync(int port, string callbackBase, double pollAfterSeconds)
    {
        var folder = new TempFolder();
        var app = ContentHubApp.Build(
        [
            $"--urls=http://127.0.0.1:{port}",
            $"--BOOMERANG_URL={_server.BaseAddress}",
            $"--BOOMERANG_API_KEY={TestServer.KeyA}",
            "--WEBHOOK_ENABLED=true",
            $"--WEBHOOK_SECRET_KEY={Secret}",
            "--WEBHOOK_REQUIRE_SIGNATURE=true",
            $"--WEBHOOK_CALLBACK_BASE_URL={callbackBase}",
            $"--POLL_AFTER_SECONDS={pollAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)}",
            $"--CONTENTHUB_DB={Path.Combine(folder.Path, "contenthub.db")}",
            "--Logging:LogLevel:Default=Warning",
        ]);
        await app.StartAsync();
        return new Hub(app, folder, new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") });
    }


    private sealed record Hub(WebApplication App, TempFolder Folder, HttpClient Client) : IAsyncDisposable
    {
        public async Task<JsonElement> TaskAsync(string taskId) =>
            JsonDocument.Parse(await Client.GetStringAsync($"/api/v1/content/tasks/{taskId}")).RootElement;

        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            await App.StopAsync();
            await App.DisposeAsync();
            Folder.Dispose();
        }
    }
}
