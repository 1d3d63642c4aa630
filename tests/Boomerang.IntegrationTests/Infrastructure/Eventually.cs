namespace Boomerang.IntegrationTests.Infrastructure;

/// <summary>Polls a condition until it holds or a deadline passes; the failure message says what never happened.</summary>
public static class Eventually
{
    public static async Task<T> GetAsync<T>(Func<Task<T>> read, Func<T, bool> done, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        var delay = TimeSpan.FromMilliseconds(10);
        T last;
        while (true)
        {
            last = await read();
            if (done(last))
            {
                return last;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"timed out waiting for {what}; last value: {last}");
            }
            await Task.Delay(delay);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 200));
        }
    }

    public static Task WaitAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null) =>
        GetAsync(condition, ok => ok, what, timeout);
}
