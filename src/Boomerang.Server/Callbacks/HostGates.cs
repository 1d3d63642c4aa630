using Microsoft.Extensions.Options;

namespace Boomerang.Server.Callbacks;

/// <summary>
/// Pacing per destination: at most <c>PerHostConcurrency</c> requests in flight, reached by a slow start (a new host, or
/// one quiet for a couple of seconds, starts at <see cref="SlowStart"/>, each success adds one, a failure halves it), how
/// many answers a host gives (<see cref="AnswersPerSecond"/>), and a circuit breaker that stops
/// sending to a host after <c>CircuitFailureThreshold</c> failures in a row, for <c>CircuitOpenSeconds</c>, then lets
/// one probe through. Failing hosts are left out of claims, and deliveries for a full host wait in the dispatcher, so
/// neither holds up the others.
/// </summary>
internal sealed class HostGates(IOptions<CallbacksOptions> options, TimeProvider time)
{
    /// <summary>Requests a new host (or one quiet for a couple of seconds) may take at once. A burst of <c>PerHostConcurrency</c> (64)
    /// new connections at the same instant overflows a small receiver's listen backlog (Python's http.server keeps 5):
    /// the dropped connects retry after 1, 3 and 7 s and some first attempts time out. Growing by one per success, a
    /// fast receiver is at the full limit after about 56 answers, a few milliseconds.</summary>
    public const int SlowStart = 8;

    /// <summary>A host with requests in flight and no answer for this long counts as stuck (<see cref="AnswersPerSecond"/>).</summary>
    public static readonly TimeSpan StuckAfter = TimeSpan.FromMilliseconds(250);

    /// <summary>How long a host that failed (its halved limit, its failures in a row) is remembered with nothing sent
    /// to it: long enough to span many circuit probes, short enough that hosts nobody calls any more do not pile up in
    /// memory and in the circuit gauges.</summary>
    public static readonly TimeSpan RememberFailingFor = TimeSpan.FromMinutes(10);

    // Answers are counted per window of this length.
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(1);

    private readonly Dictionary<string, Gate> _gates = new(StringComparer.Ordinal);
    private readonly CallbacksOptions _options = options.Value;

    private int StartLimit => Math.Min(SlowStart, _options.PerHostConcurrency);

    /// <summary>Hosts whose circuit is open, or half-open with its probe in flight. Forgets hosts that went quiet.</summary>
    public IReadOnlyCollection<string> Failing()
    {
        var now = time.GetUtcNow();
        lock (_gates)
        {
            foreach (var (host, gate) in _gates)
            {
                if (Forgettable(gate, now))
                {
                    _gates.Remove(host);
                }
            }
            return _gates.Where(g => g.Value.OpenUntil is not null && !g.Value.CanEnter(now))
                .Select(g => g.Key).ToList();
        }
    }

    /// <summary>
    /// Successful answers from <paramref name="host"/> in about the last second; null while it is too early to tell (a
    /// host not seen lately, or first seen less than a second ago); 0 while it is failing or stuck (requests in flight
    /// and no answer for <see cref="StuckAfter"/>).
    /// </summary>
    public int? AnswersPerSecond(string host)
    {
        lock (_gates)
        {
            return _gates.TryGetValue(host, out var gate) ? gate.AnswersPerSecond(time.GetUtcNow()) : null;
        }
    }

    public bool TryEnter(string host)
    {
        var now = time.GetUtcNow();
        lock (_gates)
        {
            if (!_gates.TryGetValue(host, out var gate) || Forgettable(gate, now))
            {
                _gates[host] = gate = new Gate(now) { Limit = StartLimit };
            }
            if (!gate.CanEnter(now))
            {
                return false;
            }
            if (gate.InFlight++ == 0)
            {
                gate.Progress = now;
            }
            gate.LastSeen = now;
            return true;
        }
    }

    /// <summary>Ends a request: an answer opens the host up, a failure (timeouts, connect errors, 5xx, 429) closes it
    /// down, and a neutral end (a fault on this side) only frees the slot.</summary>
    public void Exit(string host, HostOutcome outcome)
    {
        var now = time.GetUtcNow();
        lock (_gates)
        {
            var gate = _gates[host];
            gate.InFlight--;
            gate.LastSeen = now;
            if (outcome == HostOutcome.Answered)
            {
                gate.Failures = 0;
                gate.OpenUntil = null;
                gate.Limit = Math.Min(gate.Limit + 1, _options.PerHostConcurrency);
                gate.Answered(now);
            }
            else if (outcome == HostOutcome.Failed)
            {
                gate.Limit = Math.Max(gate.Limit / 2, 1);
                if (++gate.Failures >= _options.CircuitFailureThreshold)
                {
                    gate.OpenUntil = now + TimeSpan.FromSeconds(_options.CircuitOpenSeconds);
                }
            }
            if (Forgettable(gate, now))
            {
                _gates.Remove(host);
            }
        }
    }

    // Forgotten when idle, healthy and without answers in the current or the previous window, one to two seconds after
    // its last answer (its next burst gets a fresh slow start). One with failures or a limit still below the slow start
    // (halved by failures) is kept, so the next burst to that host starts from it, until nothing has been sent to it for
    // RememberFailingFor and its circuit is not open.
    private bool Forgettable(Gate gate, DateTimeOffset now) =>
        gate.InFlight == 0 && (gate.Failures == 0 && gate.Limit >= StartLimit && gate.Answers(now) == 0
            || !(gate.OpenUntil > now) && now - gate.LastSeen >= RememberFailingFor);

    public bool IsOpen(string host)
    {
        lock (_gates)
        {
            return _gates.TryGetValue(host, out var gate) && gate.OpenUntil > time.GetUtcNow();
        }
    }

    /// <summary>Hosts being tracked (failing, with requests in flight, or answering lately), for metrics and the dashboard.</summary>
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

    private sealed class Gate(DateTimeOffset created)
    {
        public int Limit;
        public int InFlight;
        public int Failures;
        public DateTimeOffset? OpenUntil;
        private readonly DateTimeOffset _created = created;
        // The last answer, or when requests started after none were in flight.
        public DateTimeOffset Progress = created;
        // The last request started or ended.
        public DateTimeOffset LastSeen = created;
        private DateTimeOffset _second = created;
        private int _answers;
        private int _answersBefore;

        public void Answered(DateTimeOffset now)
        {
            Roll(now);
            _answers++;
            Progress = now;
        }

        public int? AnswersPerSecond(DateTimeOffset now) =>
            Failures > 0 || OpenUntil is not null || (InFlight > 0 && now - Progress >= StuckAfter) ? 0
            : now - _created < Window ? null
            : Answers(now);

        // The answers of the current window or of the one before it, whichever is more; 0 once both are over.
        public int Answers(DateTimeOffset now)
        {
            Roll(now);
            return Math.Max(_answers, _answersBefore);
        }

        private void Roll(DateTimeOffset now)
        {
            var windows = (long)((now - _second) / Window);
            if (windows < 1)
            {
                return;
            }
            _answersBefore = windows == 1 ? _answers : 0;
            _answers = 0;
            _second += Window * windows;
        }

        // Open: nothing. Half-open (failing, open period over): one probe at a time. Closed: up to the limit.
        public bool CanEnter(DateTimeOffset now) =>
            OpenUntil is { } until && until > now ? false
            : OpenUntil is not null ? InFlight == 0
            : InFlight < Limit;
    }
}

internal enum CircuitState { Closed = 0, Open = 1, HalfOpen = 2 }

internal sealed record HostGateState(string Host, CircuitState State, int Failures, int InFlight, DateTimeOffset? OpenUntil);
