using Microsoft.Extensions.Options;

namespace Boomerang.Server.Callbacks;

/// <summary>
/// Pacing per destination: at most <c>PerHostConcurrency</c> requests in flight, and a circuit breaker that stops
/// sending to a host after <c>CircuitFailureThreshold</c> failures in a row, for <c>CircuitOpenSeconds</c>, then lets
/// one probe through. Failing hosts are left out of claims, and deliveries for a full host wait in the dispatcher, so
/// neither holds up the others.
/// </summary>
internal sealed class HostGates(IOptions<CallbacksOptions> options, TimeProvider time)
{
    private readonly Dictionary<string, Gate> _gates = new(StringComparer.Ordinal);
    private readonly CallbacksOptions _options = options.Value;

    /// <summary>Hosts whose circuit is open, or half-open with its probe in flight.</summary>
    public IReadOnlyCollection<string> Failing()
    {
        var now = time.GetUtcNow();
        lock (_gates)
        {
            return _gates.Where(g => g.Value.OpenUntil is not null && !g.Value.CanEnter(now, _options.PerHostConcurrency))
                .Select(g => g.Key).ToList();
        }
    }

    public bool TryEnter(string host)
    {
        lock (_gates)
        {
            if (!_gates.TryGetValue(host, out var gate))
            {
                _gates[host] = gate = new Gate();
            }
            if (!gate.CanEnter(time.GetUtcNow(), _options.PerHostConcurrency))
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
            }
            else if (++gate.Failures >= _options.CircuitFailureThreshold)
            {
                gate.OpenUntil = time.GetUtcNow() + TimeSpan.FromSeconds(_options.CircuitOpenSeconds);
            }
            if (gate.InFlight == 0 && gate.Failures == 0)
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
        public int InFlight;
        public int Failures;
        public DateTimeOffset? OpenUntil;

        // Open: nothing. Half-open (failing, open period over): one probe at a time. Closed: up to the limit.
        public bool CanEnter(DateTimeOffset now, int limit) =>
            OpenUntil is { } until && until > now ? false
            : OpenUntil is not null ? InFlight == 0
            : InFlight < limit;
    }
}

internal enum CircuitState { Closed = 0, Open = 1, HalfOpen = 2 }

internal sealed record HostGateState(string Host, CircuitState State, int Failures, int InFlight, DateTimeOffset? OpenUntil);
