using Boomerang.IntegrationTests.Infrastructure;
using Boomerang.Jobs;
using StackExchange.Redis;

namespace Boomerang.IntegrationTests.Redis;

public sealed class RedisStartupTests
{
    [Fact]
    public async Task The_seed_environment_names_put_the_server_on_redis_with_the_seed_key_layout()
    {
        using var folder = new TempFolder();
        var configuration = await TestRedis.ConfigurationAsync();
        var prefix = TestRedis.NewPrefix();
        var port = configuration.Split(':')[1];
        await using var server = await ServerProcess.StartReadyAsync(folder.Path,
            new Dictionary<string, string> { ["Boomerang:Auth:ApiKeys:0"] = TestServer.KeyA },
            new Dictionary<string, string>
            {
                ["DEDUP2D_ASYNC_BACKEND"] = "redis",
                ["REDIS_URL"] = $"redis://127.0.0.1:{port}/0",
                ["DEDUP2D_REDIS_KEY_PREFIX"] = prefix,
            });
        using var client = server.CreateClient();

        var job = await client.SubmitAsync(new { kind = "echo", input = new { n = 3 } });
        await client.WaitForStatusAsync(job.JobId, JobStatus.Completed);

        await using var redis = await ConnectionMultiplexer.ConnectAsync(configuration);
        var db = redis.GetDatabase();
        var hash = (await db.HashGetAllAsync($"{prefix}:job:{job.JobId}")).ToDictionary(e => (string)e.Name!, e => (string)e.Value!);
        Assert.Equal(job.JobId, hash["job_id"]);
        Assert.Equal(Boomerang.Server.Auth.ApiKeyRing.TenantOf(TestServer.KeyA), hash["tenant_id"]);
        Assert.Equal("completed", hash["status"]);
        Assert.True(double.Parse(hash["created_at"], System.Globalization.CultureInfo.InvariantCulture) > 0);
        Assert.Equal("", hash["callback_url"]);
        Assert.Equal("""{"n":3}""", (string?)await db.StringGetAsync($"{prefix}:result:{job.JobId}"));
        Assert.False(await db.SetContainsAsync($"{prefix}:active", job.JobId));
        Assert.Equal(1, await db.SortedSetLengthAsync($"{prefix}:tenant:{Boomerang.Server.Auth.ApiKeyRing.TenantOf(TestServer.KeyA)}:jobs"));
        Assert.False(File.Exists(Path.Combine(folder.Path, "data", "boomerang.db")));
    }

    [Fact]
    public async Task An_unreachable_redis_is_waited_for_then_the_server_exits_3_saying_so()
    {
        using var folder = new TempFolder();
        var settings = TestRedis.Settings("127.0.0.1:1,connectTimeout=200", TestRedis.NewPrefix());
        settings["Boomerang:Storage:Redis:StartupWaitSeconds"] = "1";
        settings["Boomerang:Auth:ApiKeys:0"] = TestServer.KeyA;
        await using var server = ServerProcess.Start(folder.Path, settings);

        var code = await server.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(3, code);
        Assert.Contains("Redis is unavailable", server.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_redis_without_persistence_is_refused_unless_volatile_is_allowed()
    {
        using var folder = new TempFolder();
        await using var volatileRedis = await RedisServer.StartNewAsync(appendOnly: false);
        var settings = TestRedis.Settings(volatileRedis.Configuration, TestRedis.NewPrefix());
        settings["Boomerang:Auth:ApiKeys:0"] = TestServer.KeyA;

        await using (var refused = ServerProcess.Start(folder.Path, settings))
        {
            Assert.Equal(2, await refused.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            Assert.Contains("Boomerang:Storage:Redis:AllowVolatile", refused.Stderr, StringComparison.Ordinal);
        }
        settings["Boomerang:Storage:Redis:AllowVolatile"] = "true";
        await using var allowed = await ServerProcess.StartReadyAsync(folder.Path, settings);
        Assert.Contains("Redis persistence none", allowed.Stdout + allowed.Stderr, StringComparison.Ordinal);
    }
}
