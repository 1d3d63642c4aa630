using Boomerang.Server.Callbacks;
using Microsoft.Extensions.Options;

namespace Boomerang.UnitTests.Server;

public sealed class HostGatesTests
{
    private sealed class Clock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = DateTimeOffset.UnixEpoch;
        public override DateTimeOffset GetUtcNow() => Now;
    }

    private readonly Clock _clock = new();
    private readonly HostGates _gates;

    public HostGatesTests() => _gates = new HostGates(Options.Create(new CallbacksOptions
    {
        PerHostConcurrency = 2,
        CircuitFailureThreshold = 3,
        CircuitOpenSeconds = 30,
    }), _clock);

    [Fact]
    public void A_host_at_its_concurrency_limit_takes_no_more_until_a_request_ends_and_is_not_failing()
    {
        Assert.True(_gates.TryEnter("a"));
        Assert.True(_gates.TryEnter("a"));
        Assert.False(_gates.TryEnter("a"));
        Assert.True(_gates.TryEnter("b"));
        Assert.Empty(_gates.Failing());

        _gates.Exit("a", HostOutcome.Answered);
        Assert.True(_gates.TryEnter("a"));
    }

    [Fact]
    public void A_host_with_nothing_in_flight_starts_small_gains_one_per_success_up_to_the_limit_and_halves_on_a_failure()
    {
        var gates = new HostGates(Options.Create(new CallbacksOptions { PerHostConcurrency = 12, CircuitFailureThreshold = 100 }), _clock);
        int Fill()
        {
            var n = 0;
            while (gates.TryEnter("a"))
            {
                n++;
            }
            return n;
        }
        void Exit(int times, bool failed)
        {
            for (var i = 0; i < times; i++)
            {
                gates.Exit("a", failed ? HostOutcome.Failed : HostOutcome.Answered);
            }
        }

        var start = Fill();
        Exit(7, failed: false);
        var full = 1 + Fill();
        Exit(3, failed: true);
        var afterFailures = Fill();
        Exit(8, failed: false);
        var recovered = 1 + Fill();
        Exit(9, failed: false);
        var stillAnswering = Fill();
        Exit(stillAnswering, failed: false);
        _clock.Now += TimeSpan.FromSeconds(2.1);
        var idleAgain = Fill();

        Assert.Equal(HostGates.SlowStart, start);
        Assert.Equal(12, full);
        // 12 halved three times is 1; eight successes bring it to 9.
        Assert.Equal(0, afterFailures);
        Assert.Equal(9, recovered);
        // A host that answered in the last two seconds keeps its limit; one quiet for longer starts over.
        Assert.Equal(12, stillAnswering);
        Assert.Equal(HostGates.SlowStart, idleAgain);
    }

    [Fact]
    public void A_limit_halved_by_failures_is_remembered_when_the_host_goes_idle()
    {
        var gates = new HostGates(Options.Create(new CallbacksOptions { PerHostConcurrency = 64, CircuitFailureThreshold = 100 }), _clock);
        for (var i = 0; i < HostGates.SlowStart; i++)
        {
            gates.TryEnter("a");
        }
        for (var i = 0; i < HostGates.SlowStart - 1; i++)
        {
            gates.Exit("a", HostOutcome.Failed);
        }
        // 8 halved seven times is 1; the last request succeeds and the host has nothing in flight.
        gates.Exit("a", HostOutcome.Answered);

        var next = 0;
        while (gates.TryEnter("a"))
        {
            next++;
        }

        Assert.Equal(2, next);
    }

    [Fact]
    public void A_failing_host_nothing_is_sent_to_any_more_is_forgotten_after_a_while_but_not_while_its_circuit_is_open()
    {
        var gates = new HostGates(Options.Create(new CallbacksOptions
        {
            PerHostConcurrency = 64, CircuitFailureThreshold = 3, CircuitOpenSeconds = 30 * 60,
        }), _clock);
        for (var i = 0; i < 3; i++)
        {
            gates.TryEnter("gone.example");
            gates.Exit("gone.example", HostOutcome.Failed);
        }
        Assert.Equal(["gone.example"], gates.Snapshot().Select(g => g.Host));

        // Still open after RememberFailingFor: kept (and still paused).
        _clock.Now += HostGates.RememberFailingFor;
        Assert.Equal(["gone.example"], gates.Failing());
        // Open period over and nothing sent for that long: forgotten, so neither memory nor the gauges keep it.
        _clock.Now += TimeSpan.FromMinutes(21);
        Assert.Empty(gates.Failing());
        Assert.Empty(gates.Snapshot());
        Assert.True(gates.TryEnter("gone.example"));
    }

    [Fact]
    public void Failures_in_a_row_open_the_circuit_then_one_probe_may_close_it()
    {
        for (var i = 0; i < 3; i++)
        {
            Assert.True(_gates.TryEnter("a"));
            _gates.Exit("a", HostOutcome.Failed);
        }
        Assert.True(_gates.IsOpen("a"));
        Assert.False(_gates.TryEnter("a"));

        _clock.Now += TimeSpan.FromSeconds(31);
        Assert.True(_gates.TryEnter("a"));
        Assert.False(_gates.TryEnter("a"));
        _gates.Exit("a", HostOutcome.Answered);

        Assert.False(_gates.IsOpen("a"));
        Assert.True(_gates.TryEnter("a"));
        Assert.True(_gates.TryEnter("a"));
    }

    [Fact]
    public void A_failed_probe_opens_the_circuit_again()
    {
        OpenTheCircuitAndWaitItOut("a");
        _gates.TryEnter("a");
        _gates.Exit("a", HostOutcome.Failed);

        Assert.True(_gates.IsOpen("a"));
        Assert.Equal(["a"], _gates.Failing());
    }

    [Fact]
    public void A_neutral_end_frees_the_slot_but_neither_closes_the_circuit_nor_resets_the_failures()
    {
        OpenTheCircuitAndWaitItOut("a");
        Assert.True(_gates.TryEnter("a"));
        _gates.Exit("a", HostOutcome.Neutral);

        // Still on probation: the probe said nothing, so the next request is a probe too, and one failure opens it again.
        Assert.True(_gates.TryEnter("a"));
        Assert.False(_gates.TryEnter("a"));
        _gates.Exit("a", HostOutcome.Failed);
        Assert.True(_gates.IsOpen("a"));
    }

    [Fact]
    public void A_success_resets_the_failure_count()
    {
        foreach (var failed in new[] { true, true, false, true, true })
        {
            _gates.TryEnter("a");
            _gates.Exit("a", failed ? HostOutcome.Failed : HostOutcome.Answered);
        }
        Assert.False(_gates.IsOpen("a"));
    }

    [Fact]
    public void Answers_per_second_are_unknown_at_first_then_counted_and_zero_for_a_host_stuck_or_failing()
    {
        Assert.Null(_gates.AnswersPerSecond("a"));
        Assert.True(_gates.TryEnter("a"));
        _gates.Exit("a", HostOutcome.Answered);
        // Too early to tell: seen for less than a second.
        Assert.Null(_gates.AnswersPerSecond("a"));

        for (var i = 0; i < 10; i++)
        {
            _clock.Now += TimeSpan.FromMilliseconds(100);
            Assert.True(_gates.TryEnter("a"));
            _gates.Exit("a", HostOutcome.Answered);
        }
        Assert.Equal(10, _gates.AnswersPerSecond("a"));

        // A request in flight with no answer for HostGates.StuckAfter: stuck.
        Assert.True(_gates.TryEnter("a"));
        _clock.Now += HostGates.StuckAfter / 2;
        Assert.Equal(10, _gates.AnswersPerSecond("a"));
        _clock.Now += HostGates.StuckAfter;
        Assert.Equal(0, _gates.AnswersPerSecond("a"));

        // It answers with a failure: 0 until a success, which counts in a window of its own two seconds later.
        _gates.Exit("a", HostOutcome.Failed);
        Assert.Equal(0, _gates.AnswersPerSecond("a"));
        _clock.Now += TimeSpan.FromSeconds(2);
        Assert.Equal(0, _gates.AnswersPerSecond("a"));
        Assert.True(_gates.TryEnter("a"));
        _gates.Exit("a", HostOutcome.Answered);
        Assert.Equal(1, _gates.AnswersPerSecond("a"));
    }

    /// <summary>Three failures in a row (the threshold) open the host's circuit; then its open period passes.</summary>
    private void OpenTheCircuitAndWaitItOut(string host)
    {
        for (var i = 0; i < 3; i++)
        {
            _gates.TryEnter(host);
            _gates.Exit(host, HostOutcome.Failed);
        }
        _clock.Now += TimeSpan.FromSeconds(31);
    }
}
