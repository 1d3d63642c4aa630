using System.Globalization;
using StackExchange.Redis;

namespace Boomerang.Bench;

/// <summary>redis-server's CPU so far (user and system seconds, <c>INFO cpu</c>), asked through the server's own client
/// library on the configuration string the server gets, so the Redis runs report Redis's CPU over the same span as the
/// processes'. Connect before the span: the connection's start-up is not part of it.</summary>
internal sealed class RedisCpu(ConnectionMultiplexer redis) : IAsyncDisposable
{
    public static async Task<RedisCpu> ConnectAsync(string configuration)
    {
        var options = ConfigurationOptions.Parse(configuration);
        options.AllowAdmin = true; // INFO is an admin command to this client
        return new(await ConnectionMultiplexer.ConnectAsync(options));
    }

    public async Task<double> SecondsAsync()
    {
        var server = redis.GetServer(redis.GetEndPoints()[0]);
        var cpu = (await server.InfoAsync("cpu")).SelectMany(g => g)
            .Where(p => p.Key is "used_cpu_user" or "used_cpu_sys");
        return cpu.Sum(p => double.Parse(p.Value, CultureInfo.InvariantCulture));
    }

    public ValueTask DisposeAsync() => redis.DisposeAsync();
}
