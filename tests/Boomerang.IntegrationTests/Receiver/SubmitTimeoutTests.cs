using System.Runtime.CompilerServices;
using Boomerang.IntegrationTests.Infrastructure;
using Boomerang.Receiver.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Boomerang.IntegrationTests.Receiver;

/// <summary>Issue 14.9: a submit whose answer never comes leaves the task pending for the reconciler, never failed.</summary>
public sealed class SubmitTimeoutTests
{
    [Fact]
    public async Task A_submit_that_times_out_keeps_the_task_pending_for_the_reconciler()
    {
        await using var hanging = await HangingServer.StartAsync();
        await using var app = await ReceiverApp.StartAsync(hanging.BaseAddress, client: o => o.RequestTimeoutSeconds = 1);
        using var input = System.Text.Json.JsonDocument.Parse("""{"topic":"slow"}""");

        var task = await app.Tracker.SubmitAsync("echo", input.RootElement);

        Assert.True(hanging.Requests >= 1);
        Assert.Null(task.JobId);
        var stored = await app.TaskAsync(task.TaskId);
        Assert.Equal(TrackedTaskStatus.Pending, stored.Status);
        Assert.Null(stored.Error);
        var unsubmitted = await app.Store.ListUnsubmittedAsync(DateTimeOffset.UtcNow.AddMinutes(1), 10, default);
        var due = Assert.Single(unsubmitted);
        Assert.Equal(task.TaskId, due.Task.TaskId);
        Assert.Equal("""{"topic":"slow"}""", due.JobInput);
    }

    [Fact]
    public async Task A_submit_to_a_server_that_is_not_there_keeps_the_task_pending_too()
    {
        await using var app = await ReceiverApp.StartAsync(new Uri("http://127.0.0.1:9"));

        var task = await app.Tracker.SubmitAsync("echo", null);

        Assert.Equal(TrackedTaskStatus.Pending, (await app.TaskAsync(task.TaskId)).Status);
    }

    /// <summary>A Boomerang that accepts the connection and never answers.</summary>
    private sealed class HangingServer(WebApplication app, Uri baseAddress, StrongBox<int> requests) : IAsyncDisposable
    {
        public Uri BaseAddress => baseAddress;
        public int Requests => Volatile.Read(ref requests.Value);

        public static async Task<HangingServer> StartAsync()
        {
            var builder = WebApplication.CreateBuilder(["--urls=http://127.0.0.1:0"]);
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            var app = builder.Build();
            var requests = new StrongBox<int>();
            app.MapPost("/api/v1/jobs", async (HttpContext http) =>
            {
                Interlocked.Increment(ref requests.Value);
                await Task.Delay(Timeout.Infinite, http.RequestAborted);
            });
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
            return new HangingServer(app, new Uri(address), requests);
        }

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
