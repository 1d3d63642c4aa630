using Microsoft.Extensions.Options;

namespace Boomerang.Server.Callbacks;

/// <summary>
/// Pacing per destination: at most <c>PerHostConcurrency</c> requests in flight, reached by a slow start (a host with
/// nothing in flight starts at <see cref="SlowStart"/>, each success adds one, a failure halves it), and a circuit breaker that stops
/// sending to a host after <c>CircuitFailureThreshold</c> failures in a row, for <c>CircuitOpenSeconds</c>, then lets
/// one probe through. Failing hosts are left out of claims, and deliveries for a full host wait in the dispatcher, so
/// neither holds up the others.
/// </summary>
internal sealed class HostGates(IOptions<CallbacksOptions> options, TimeProvider time)
{
    /// <summary>Requests a host with nothing in flight may take at once. A burst of <c>PerHostConcurrency</c> (64)
    /// new connections at the same instant overflows a small receiver's listen backlog (Python's http.server keeps 5):
    /// the dropped connects retry after 1, 3 and 7 s and some first attempts time out. Growing by one per success, a
    /// fast receiver is at the full limit after about 56 answers, a few milliseconds.</summary>
    public const int SlowStart = 8;

    private readonly Dictionary<string, Gate> _gates = new(StringComparer.Ordinal);
    private readonly CallbacksOptions _options = options.Value;

    private int StartLimit => Math.Min(SlowStart, _options.PerHostConcurrency);

    /// <summary>Hosts whose circuit is open, or half-open with its probe in flight.</summary>
    public IReadOnlyCollection<string> Failing()
    {
        var now = time.GetUtcNow();
        lock (_gates)
        {
            return _gates.Where(g => g.Value.OpenUntil is not null && !g.Value.CanEnter(now))
                .Select(g => g.Key).ToList();
        }
    }

    public bool TryEnter(string host)
    {
        lock (_gates)
        {
            if (!_gates.TryGetValue(host, out var gate))
            {
                _gates[host] = gate = new Gate { Limit = StartLimit };
            }
            if (!gate.CanEnter(time.GetUtcNow()))
            {
                return false;
            }
            gate.InFlight++;
            return true;
        }
    }

    /// <summary>Ends a request; <paramref name="hostFailed"/> is true for timeouts, connect errors, 5xx and 429.</summary>
    public void Exit(string host, bool hostFailed)
    {
        lock (_gates)
        {
            var gate = _gates[host];
            gate.InFlight--;
            if (!hostFailed)
            {
                gate.Failures = 0;
                gate.OpenUntil = null;
                gate.Limit = Math.Min(gate.Limit + 1, _options.PerHostConcurrency);
            }
            else
            {
                gate.Limit = Math.Max(gate.Limit / 2, 1);
                if (++gate.Failures >= _options.CircuitFailureThreshold)
                {
                    gate.OpenUntil = time.GetUtcNow() + TimeSpan.FromSeconds(_options.CircuitOpenSeconds);
                }
            }
            // Forgotten when idle and healthy; a limit still below the slow start (halved by failures) is kept, so the
            // next burst to that host starts from it, not from a fresh slow start.
            if (gate.InFlight == 0 && gate.Failures == 0 && gate.Limit >= StartLimit)
            {
                _gates.Remove(host);
            }
        }
    }

    public bool IsOpen(string host)
    {
        lock (_gates)
        {
            return _gates.TryGetValue(host, out var gate) && gate.OpenUntil > time.GetUtcNow();
        }
    }

    /// <summary>Hosts being tracked (failing, or with requests in flight), for metrics and the dashboard.</summary>
    public IReadOnlyList<HostGateState> Snapshot()
    {
        var now = time.GetUtcNow();
        lock (_gates)
        {
            return _gates.Select(g => new HostGateState(g.Key,
                g.Value.OpenUntil is { } until ? (until > now ? CircuitState.Open : CircuitState.HalfOpen) : CircuitState.Closed,
                g.Value.Failures, g.Value.InFlight, g.Value.OpenUntil)).ToList();
        }
    }

    private sealed class Gate
    {
        public int Limit;
        public int InFlight;
        public int Failures;
        public DateTimeOffset? OpenUntil;

        // Open: nothing. Half-open (failing, open period over): one probe at a time. Closed: up to the limit.
        public bool CanEnter(DateTimeOffset now) =>
            OpenUntil is { } until && until > now ? false
            : OpenUntil is not null ? InFlight == 0
            : InFlight < Limit;
    }
}

internal enum CircuitState { Closed = 0, Open = 1, HalfOpen = 2 }

internal sealed record HostGateState(string Host, CircuitState State, int Failures, int InFlight, DateTimeOffset? OpenUntil);
