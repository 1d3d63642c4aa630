using System.Runtime.InteropServices;
using Boomerang.Bench;

namespace Boomerang.HangfirePeer;

/// <summary>The shared callback receiver as its own process, so every peer posts to the same kind of server.</summary>
internal static class ReceiveCommand
{
    public static async Task<int> RunAsync(PeerOptions options)
    {
        var expect = options.Int("expect", 1);
        var timeout = TimeSpan.FromSeconds(options.Int("timeout-s", 1800));
        await using var receiver = await FastReceiver.StartAsync();
        Console.WriteLine($"RECEIVER_URL {new Uri(receiver.BaseAddress, "/hook")}");
        // The receiver's web host takes SIGTERM and SIGINT for itself (it stops, the process would not): end here too.
        using var stop = new CancellationTokenSource();
        using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, _ => stop.Cancel());
        using var onInt = PosixSignalRegistration.Create(PosixSignal.SIGINT, _ => stop.Cancel());
        var deadline = DateTime.UtcNow + timeout;
        while (receiver.Count < expect && DateTime.UtcNow < deadline && !stop.IsCancellationRequested)
        {
            await Task.Delay(10, CancellationToken.None);
        }
        Console.WriteLine(
            $"RECEIVED {receiver.Count} {receiver.First?.ToUnixTimeMilliseconds() ?? 0} {receiver.Last?.ToUnixTimeMilliseconds() ?? 0}");
        if (receiver.Count < expect)
        {
            Console.Error.WriteLine($"receiver: {receiver.Count} of {expect} callbacks arrived");
            return 1;
        }
        // Keep answering (a system may still repeat a callback) until the script stops this process.
        try
        {
            await Task.Delay(Timeout.Infinite, stop.Token);
        }
        catch (OperationCanceledException)
        {
        }
        return 0;
    }
}
