using System.Threading.Channels;

namespace Boomerang.Server.Background;

/// <summary>
/// Gathers items into batches for one writer: whatever arrived while the previous batch was being written goes
/// together in the next call. Each caller awaits its own item's result.
/// </summary>
internal sealed class Batcher<T, TResult>(Func<IReadOnlyList<T>, Task<IReadOnlyList<TResult>>> write, int maxBatch = 1000)
{
    private readonly Channel<(T Item, TaskCompletionSource<TResult> Done)> _queue =
        Channel.CreateUnbounded<(T, TaskCompletionSource<TResult>)>(new() { SingleReader = true });

    public Task<TResult> AddAsync(T item)
    {
        var done = new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite((item, done)))
        {
            done.SetException(new InvalidOperationException("batcher is stopped"));
        }
        return done.Task;
    }

    /// <summary>Writes batches until <see cref="Complete"/> is called and the queue is empty.</summary>
    public async Task RunAsync()
    {
        var batch = new List<(T Item, TaskCompletionSource<TResult> Done)>();
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < maxBatch && _queue.Reader.TryRead(out var entry))
            {
                batch.Add(entry);
            }
            try
            {
                var results = await write(batch.Select(b => b.Item).ToList()).ConfigureAwait(false);
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Done.TrySetResult(results[i]);
                }
            }
            catch (Exception e)
            {
                batch.ForEach(b => b.Done.TrySetException(e));
            }
        }
    }

    public void Complete() => _queue.Writer.TryComplete();
}
