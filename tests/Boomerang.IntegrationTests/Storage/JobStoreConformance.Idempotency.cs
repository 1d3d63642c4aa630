using Boomerang.Jobs;
using Boomerang.Server.Storage;

namespace Boomerang.IntegrationTests.Storage;

/// <summary>An idempotency key is bound to the request it was first used with.</summary>
public abstract partial class JobStoreConformance
{
    private static NewJob Keyed(string input, string key = "k", string kind = "echo", string? url = null, bool progress = false,
        string tenant = "t1") =>
        new(Guid.CreateVersion7().ToString(), tenant, kind, input, key, url, progress);

    [Fact]
    public async Task A_key_reused_with_a_different_request_creates_nothing_and_says_so()
    {
        var first = Keyed("""{"a":1}""");
        await _store.SubmitAsync([first], 10, default);

        var outcomes = await _store.SubmitAsync([
            Keyed("""{"a":2}"""), Keyed("""{"a":1}""", kind: "sleep"), Keyed("""{"a":1}""", url: Hook),
            Keyed("""{"a":1}""", progress: true), Keyed("""{"a":2}""", tenant: "t2")], 10, default);

        Assert.Equal([SubmitResult.KeyReused, SubmitResult.KeyReused, SubmitResult.KeyReused, SubmitResult.KeyReused, SubmitResult.Created],
            outcomes.Select(o => o.Result));
        Assert.Single((await _store.ListAsync("t1", null, 10, null, default)).Jobs);
    }

    [Fact]
    public async Task The_same_request_with_keys_in_another_order_and_other_spacing_finds_the_first_job()
    {
        var first = Keyed("""{"a":1,"b":{"x":[1,2],"y":"z"}}""");
        await _store.SubmitAsync([first], 10, default);

        var again = await _store.SubmitAsync([Keyed("""{ "b": { "y": "z", "x": [1, 2] }, "a": 1 }""")], 10, default);

        Assert.Equal(new SubmitOutcome(SubmitResult.Existing, first.Id, JobStatus.Pending), again[0]);
    }

    [Fact]
    public async Task Within_one_batch_a_key_is_bound_to_its_first_request()
    {
        var outcomes = await _store.SubmitAsync([Keyed("1"), Keyed("1"), Keyed("2")], 10, default);

        Assert.Equal([SubmitResult.Created, SubmitResult.Existing, SubmitResult.KeyReused], outcomes.Select(o => o.Result));
        Assert.Equal(outcomes[0].JobId, outcomes[1].JobId);
    }
}
