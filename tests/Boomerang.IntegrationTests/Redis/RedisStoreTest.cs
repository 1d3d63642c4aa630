using Boomerang.IntegrationTests.Infrastructure;
using Boomerang.IntegrationTests.Storage;
using Boomerang.Server.Storage.Redis;

namespace Boomerang.IntegrationTests.Redis;

/// <summary>A Redis store of its own (its own key prefix on the test Redis) on a manual clock, migrated, for tests
/// that look at the store's keys as well as its answers.</summary>
public abstract class RedisStoreTest : IAsyncLifetime
{
    private protected static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);
    private protected const string Hook = "https://example.com/hook";
    private protected ManualTime Time { get; } = new();
    private protected RedisTestStore Stores { get; } = new();
    private protected RedisJobStore Store { get; private set; } = null!;

    private protected string Prefix => Stores.Prefix;

    private protected double Now => Time.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0;

    public async Task InitializeAsync()
    {
        Store = await Stores.CreateRedisAsync(Time);
        await Store.MigrateAsync(default);
    }

    public Task DisposeAsync() => Stores.DisposeAsync().AsTask();
}
