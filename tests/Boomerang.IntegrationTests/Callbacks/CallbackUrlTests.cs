using System.Net;
using Boomerang.Callbacks;
using Boomerang.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Boomerang.IntegrationTests.Callbacks;

public sealed class CallbackUrlTests
{
    [Theory]
    [InlineData("", "callback_url is empty")]
    [InlineData("ftp://example.com/hook", "callback_url scheme not allowed: ftp")]
    [InlineData("http://example.com/hook", "callback_url scheme not allowed: http")]
    [InlineData("https://user:pw@example.com/hook", "callback_url must not include userinfo")]
    [InlineData("https://10.0.0.5/hook", "callback_url hostname resolves to private network")]
    [InlineData("https://2130706433/hook", "callback_url hostname resolves to private network")]
    [InlineData("https://[::ffff:169.254.169.254]/hook", "callback_url hostname resolves to private network")]
    public async Task A_bad_callback_url_is_a_400_with_the_seeds_message(string url, string message)
    {
        await using var server = await TestServer.StartAsync();
        var response = await server.Client.PostJsonAsync("/api/v1/jobs", new { kind = "echo", callback_url = url });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var detail = (await response.ReadJsonAsync()).GetProperty("detail");
        Assert.Equal("CALLBACK_URL_INVALID", detail.GetProperty("error").GetString());
        Assert.Equal(message, detail.GetProperty("message").GetString());
    }

    [Fact]
    public async Task The_url_is_checked_before_capacity_and_stored_normalised()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string>
        {
            ["Boomerang:Jobs:MaxActive"] = "1",
            ["Boomerang:Jobs:Concurrency"] = "1",
            ["Boomerang:Callbacks:Allowlist:0"] = "*.example.com",
        });
        var job = await server.Client.SubmitAsync(new { kind = "sleep", input = new { ms = 30_000 }, callback_url = "HTTPS://Hooks.Example.com#frag" });

        var bad = await server.Client.PostJsonAsync("/api/v1/jobs", new { kind = "echo", callback_url = "https://evil.test/" });
        var good = await server.Client.PostJsonAsync("/api/v1/jobs", new { kind = "echo", callback_url = "https://a.example.com/" });

        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("callback_url hostname not in allowlist", (await bad.ReadJsonAsync()).GetProperty("detail").GetProperty("message").GetString());
        Assert.Equal(HttpStatusCode.TooManyRequests, good.StatusCode);
        Assert.Equal("https://Hooks.Example.com/", (await server.Client.GetJobAsync(job.JobId)).CallbackUrl);
        await server.Client.PostAsync($"/api/v1/jobs/{job.JobId}/cancel", null);
    }

    [Fact]
    public async Task With_callbacks_switched_off_any_callback_url_is_callback_unsupported()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string> { ["Boomerang:Callbacks:Enabled"] = "false" });
        var response = await server.Client.PostJsonAsync("/api/v1/jobs", new { kind = "echo", callback_url = "https://example.com/" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("CALLBACK_UNSUPPORTED", (await response.ReadJsonAsync()).GetProperty("detail").GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_batch_item_with_a_bad_url_fails_alone()
    {
        await using var server = await TestServer.StartAsync();
        var response = await server.Client.PostJsonAsync("/api/v1/jobs/batch", new
        {
            jobs = new object[] { new { kind = "echo" }, new { kind = "echo", callback_url = "https://127.0.0.1/" } },
        });
        var results = (await response.ReadJsonAsync()).GetProperty("results");
        Assert.Equal(202, results[0].GetProperty("status").GetInt32());
        Assert.Equal(400, results[1].GetProperty("status").GetInt32());
        Assert.Equal("CALLBACK_URL_INVALID", results[1].GetProperty("error").GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_batch_naming_one_host_resolves_it_once_and_the_next_request_resolves_it_again()
    {
        var resolver = new CountingResolver(IPAddress.Parse("93.184.216.34"));
        // An API node only: no dispatcher resolves the hosts again at connect time while the lookups are counted.
        await using var server = await TestServer.StartAsync(new Dictionary<string, string>
        {
            ["Boomerang:Roles"] = "api",
            ["Boomerang:Callbacks:ResolveDns"] = "true",
        }, services => services.Replace(ServiceDescriptor.Singleton<IHostResolver>(resolver)));
        var jobs = Enumerable.Range(0, 200).Select(i => new { kind = "echo", input = i, callback_url = $"https://hooks.customer.test/job/{i}?n={i}" })
            .Append(new { kind = "echo", input = 200, callback_url = "https://other.customer.test/" }).ToArray();

        var response = await server.Client.PostJsonAsync("/api/v1/jobs/batch", new { jobs });
        var results = (await response.ReadJsonAsync()).GetProperty("results");
        Assert.All(results.EnumerateArray(), r => Assert.Equal(202, r.GetProperty("status").GetInt32()));
        // One lookup per host in the request, whatever each job's path and query, not one per job.
        Assert.Equal(2, resolver.Lookups);

        await server.Client.SubmitAsync(new { kind = "echo", callback_url = "https://hooks.customer.test/job/0" });
        Assert.Equal(3, resolver.Lookups);
    }

    [Fact]
    public async Task Dns_rebinding_is_refused_at_connect_time_on_the_address_actually_dialled()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        var resolver = new RebindingResolver();
        // Loopback is NOT allowed here, and DNS is resolved at submit too.
        await using var server = await TestServer.StartAsync(new Dictionary<string, string>
        {
            ["Boomerang:Callbacks:AllowHttp"] = "true",
            ["Boomerang:Callbacks:ResolveDns"] = "true",
            ["Boomerang:Callbacks:BackoffBaseSeconds"] = "0.05",
            ["Boomerang:Callbacks:BackoffMaxSeconds"] = "0.1",
            ["Boomerang:Callbacks:PollIntervalSeconds"] = "0.2",
            ["Boomerang:Callbacks:MaxAttempts"] = "2",
        }, services => services.Replace(ServiceDescriptor.Singleton<IHostResolver>(resolver)));

        var job = await server.Client.SubmitAsync(new { kind = "echo", callback_url = $"http://rebind.test:{receiver.BaseAddress.Port}/hook" });
        var record = await Eventually.GetAsync(() => server.Client.GetJobAsync(job.JobId), j => j.CallbackStatus == "failed", "refused callback");

        Assert.Equal(1, resolver.SubmitLookups);
        Assert.Equal($"callback host rebind.test resolves to a blocked address", record.CallbackLastError);
        Assert.Empty(receiver.Received);
    }

    [Fact]
    public async Task A_name_that_resolves_to_loopback_passes_submit_without_dns_but_is_refused_at_connect()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        await using var server = await TestServer.StartAsync(new Dictionary<string, string>
        {
            ["Boomerang:Callbacks:AllowHttp"] = "true",
            ["Boomerang:Callbacks:MaxAttempts"] = "1",
        }, services => services.Replace(ServiceDescriptor.Singleton<IHostResolver>(new FixedResolver(IPAddress.Loopback))));

        var job = await server.Client.SubmitAsync(new { kind = "echo", callback_url = $"http://hooks.customer.test:{receiver.BaseAddress.Port}/hook" });
        var record = await Eventually.GetAsync(() => server.Client.GetJobAsync(job.JobId), j => j.CallbackStatus == "failed", "refused callback");

        Assert.Contains("blocked address", record.CallbackLastError);
        Assert.Empty(receiver.Received);
    }

    [Theory]
    [InlineData("http://localhost:{0}/hook")]
    [InlineData("http://LOCALHOST:{0}/hook")]
    [InlineData("http://localhost.:{0}/hook")]
    [InlineData("http://hooks.localhost:{0}/hook")]
    [InlineData("http://ｌｏｃａｌｈｏｓｔ:{0}/hook")]
    [InlineData("http://ⓛⓞⓒⓐⓛⓗⓞⓢⓣ:{0}/hook")]
    [InlineData("http://local\u00adhost:{0}/hook")]
    [InlineData("http://local\u200bhost:{0}/hook")]
    [InlineData("http://example.com:0/hook")]
    public async Task Localhost_its_look_alikes_and_port_0_are_refused_at_submit_with_400(string template)
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string> { ["Boomerang:Callbacks:AllowHttp"] = "true" });
        var url = string.Format(System.Globalization.CultureInfo.InvariantCulture, template, 8080);

        var response = await server.Client.PostJsonAsync("/api/v1/jobs", new { kind = "echo", callback_url = url });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("CALLBACK_URL_INVALID", (await response.ReadJsonAsync()).GetProperty("detail").GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_callback_url_over_2_KiB_is_refused_and_not_echoed()
    {
        await using var server = await TestServer.StartAsync();
        var url = "https://example.com/" + new string('a', 1024 * 1024);

        var response = await server.Client.PostJsonAsync("/api/v1/jobs", new { kind = "echo", callback_url = url });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("longer than 2048 characters", text);
        Assert.True(text.Length < 500, $"the error echoed {text.Length} characters");
    }

    [Fact]
    public async Task The_connect_callback_dials_what_the_resolver_says_for_an_allowed_network()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        await using var server = await TestServer.StartAsync(CallbackSettings.Loopback(),
            services => services.Replace(ServiceDescriptor.Singleton<IHostResolver>(new FixedResolver(IPAddress.Loopback))));

        await server.Client.SubmitAsync(new { kind = "echo", callback_url = $"http://hooks.customer.test:{receiver.BaseAddress.Port}/hook" });
        var call = (await receiver.WaitForAsync(1))[0];

        Assert.Equal($"hooks.customer.test:{receiver.BaseAddress.Port}", call.Header("host"));
    }

    /// <summary>Public at the first lookup (submit), loopback ever after (connect): a rebinding DNS server.</summary>
    private sealed class RebindingResolver : IHostResolver
    {
        private int _lookups;
        public int SubmitLookups => Math.Min(_lookups, 1);

        public Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct) =>
            Task.FromResult(Interlocked.Increment(ref _lookups) == 1 ? [IPAddress.Parse("93.184.216.34")] : new[] { IPAddress.Loopback });
    }

    private sealed class CountingResolver(IPAddress address) : IHostResolver
    {
        private int _lookups;
        public int Lookups => Volatile.Read(ref _lookups);

        public Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct)
        {
            Interlocked.Increment(ref _lookups);
            return Task.FromResult(new[] { address });
        }
    }

    private sealed class FixedResolver(IPAddress address) : IHostResolver
    {
        public Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct) => Task.FromResult(new[] { address });
    }
}
