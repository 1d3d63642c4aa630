using Boomerang.IntegrationTests.Infrastructure;

namespace Boomerang.IntegrationTests.Callbacks;

public sealed class HostIsolationTests
{
    [Fact]
    public async Task A_host_that_hangs_on_every_request_does_not_hold_up_deliveries_to_a_healthy_one()
    {
        await using var slow = await CallbackReceiver.StartAsync(new ScriptedResponse(200, Delay: TimeSpan.FromSeconds(90)));
        await using var fast = await CallbackReceiver.StartAsync();
        await using var server = await StartSmallDispatcherAsync(timeoutSeconds: 120);

        await SubmitOneByOneAsync(server, 20, slow);
        await slow.WaitForAsync(2, TimeSpan.FromSeconds(40));
        await SubmitOneByOneAsync(server, 10, fast);

        // All of the healthy host's callbacks arrive while the slow host still holds its two requests open.
        await fast.WaitForAsync(10, TimeSpan.FromSeconds(40));
        Assert.Equal(2, slow.Received.Count);
    }

    [Fact]
    public async Task A_host_that_answers_then_hangs_is_cut_back_so_a_healthy_one_still_gets_through()
    {
        // Twenty quick answers, then every request hangs: while it answered it was given room for more waiting.
        var script = Enumerable.Repeat(new ScriptedResponse(200), 20).Append(new ScriptedResponse(200, Delay: TimeSpan.FromSeconds(120))).ToArray();
        await using var stalling = await CallbackReceiver.StartAsync(script);
        await using var fast = await CallbackReceiver.StartAsync();
        await using var server = await StartSmallDispatcherAsync(timeoutSeconds: 150);

        // One job at a time, so each finish hands its delivery straight to the dispatcher: the first twenty are answered,
        // the next two hang, and the rest arrive while it still counts as answering twenty a second.
        await SubmitOneByOneAsync(server, 40, stalling);
        await stalling.WaitForAsync(22, TimeSpan.FromSeconds(40));
        await SubmitOneByOneAsync(server, 10, fast);

        // Within a few seconds of its last answer the stalled host holds a few times its slots again, and the room it
        // gave up carries the healthy host's callbacks while its own two requests still hang.
        await fast.WaitForAsync(10, TimeSpan.FromSeconds(40));
        Assert.Equal(22, stalling.Received.Count);
    }

    [Fact]
    public async Task A_burst_to_one_host_is_delivered_in_full_never_more_than_its_limit_at_once()
    {
        await using var receiver = await CallbackReceiver.StartAsync(new ScriptedResponse(200, Delay: TimeSpan.FromMilliseconds(20)));
        await using var server = await TestServer.StartAsync(CallbackSettings.Loopback(
            ("Boomerang:Callbacks:PerHostConcurrency", "3"),
            ("Boomerang:Callbacks:Concurrency", "8")));

        var ids = new List<string>();
        for (var i = 0; i < 60; i++)
        {
            ids.Add((await server.Client.SubmitAsync(new { kind = "echo", input = i, callback_url = receiver.Url() })).JobId);
        }

        var received = await receiver.WaitForAsync(60, TimeSpan.FromSeconds(60));
        Assert.Equal(ids.Order(), received.Select(r => r.Json.GetProperty("job_id").GetString()!).Distinct().Order());
        Assert.InRange(receiver.MaxInFlight, 1, 3);
    }

    /// <summary>Two requests in flight per host and 16 places in the dispatcher, so one host can fill it.</summary>
    private static Task<TestServer> StartSmallDispatcherAsync(int timeoutSeconds) => TestServer.StartAsync(CallbackSettings.Loopback(
        ("Boomerang:Callbacks:PerHostConcurrency", "2"),
        ("Boomerang:Callbacks:Concurrency", "8"),
        ("Boomerang:Callbacks:TimeoutSeconds", timeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture))));

    private static async Task SubmitOneByOneAsync(TestServer server, int count, CallbackReceiver receiver)
    {
        for (var i = 0; i < count; i++)
        {
            await server.Client.SubmitAsync(new { kind = "echo", input = i, callback_url = receiver.Url() });
        }
    }
}
