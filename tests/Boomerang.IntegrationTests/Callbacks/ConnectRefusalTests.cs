using System.Net;
using Boomerang.Callbacks;
using Boomerang.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Boomerang.IntegrationTests.Callbacks;

/// <summary>A refusal by the callback URL policy is final wherever it happens: at submit, when the stored URL is judged
/// again, or at connect time on the address actually dialled. Only reaching the host is retried.</summary>
public sealed class ConnectRefusalTests
{
    private static Dictionary<string, string> Settings() => new()
    {
        ["Boomerang:Callbacks:AllowHttp"] = "true",
        ["Boomerang:Callbacks:BackoffBaseSeconds"] = "0.05",
        ["Boomerang:Callbacks:BackoffMaxSeconds"] = "0.1",
        ["Boomerang:Callbacks:PollIntervalSeconds"] = "0.2",
        ["Boomerang:Callbacks:MaxAttempts"] = "10",
    };

    [Fact]
    public async Task A_host_that_resolves_to_a_blocked_address_at_connect_time_fails_after_one_attempt()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        await using var server = await TestServer.StartAsync(Settings(),
            services => services.Replace(ServiceDescriptor.Singleton<IHostResolver>(new FixedResolver(IPAddress.Loopback))));

        var job = await server.Client.SubmitAsync(new { kind = "echo", callback_url = $"http://hooks.customer.test:{receiver.BaseAddress.Port}/hook" });
        var record = await Eventually.GetAsync(() => server.Client.GetJobAsync(job.JobId), j => j.CallbackStatus == "failed", "refused callback");

        Assert.Equal(1, record.CallbackAttempts);
        Assert.Equal("callback host hooks.customer.test resolves to a blocked address", record.CallbackLastError);
        Assert.Empty(receiver.Received);
    }

    [Fact]
    public async Task A_host_that_does_not_resolve_is_retried()
    {
        await using var server = await TestServer.StartAsync(Settings(),
            services => services.Replace(ServiceDescriptor.Singleton<IHostResolver>(new FixedResolver())));

        var job = await server.Client.SubmitAsync(new { kind = "echo", callback_url = "http://hooks.customer.test/hook" });
        var record = await Eventually.GetAsync(() => server.Client.GetJobAsync(job.JobId), j => j.CallbackAttempts >= 3, "retries");

        Assert.Equal("callback host hooks.customer.test did not resolve", record.CallbackLastError);
    }

    private sealed class FixedResolver(params IPAddress[] addresses) : IHostResolver
    {
        public Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct) => Task.FromResult(addresses);
    }
}
