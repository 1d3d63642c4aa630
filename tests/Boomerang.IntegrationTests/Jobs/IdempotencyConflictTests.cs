using System.Net;
using System.Net.Http.Json;
using System.Text;
using Boomerang.IntegrationTests.Callbacks;
using Boomerang.IntegrationTests.Infrastructure;
using Boomerang.Jobs;

namespace Boomerang.IntegrationTests.Jobs;

/// <summary>An idempotency key is bound to the request it was first used with (as Stripe does): the same request gets
/// the first job back, a different one is refused and stores nothing.</summary>
public sealed class IdempotencyConflictTests : IAsyncLifetime
{
    private TestServer _server = null!;
    private HttpClient Client => _server.Client;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(CallbackSettings.Loopback());
    public async Task DisposeAsync() => await _server.DisposeAsync();

    private Task<HttpResponseMessage> PostRawAsync(string json) =>
        Client.PostAsync("/api/v1/jobs", new StringContent(json, Encoding.UTF8, "application/json"));

    [Fact]
    public async Task The_same_key_with_a_different_request_is_a_409_and_stores_nothing()
    {
        var first = await Client.PostJsonAsync("/api/v1/jobs", new { kind = "echo", input = new { order = 42 }, idempotency_key = "order-42" });
        var otherInput = await Client.PostJsonAsync("/api/v1/jobs", new { kind = "echo", input = new { order = 43 }, idempotency_key = "order-42" });
        var otherKind = await Client.PostJsonAsync("/api/v1/jobs", new { kind = "sleep", input = new { order = 42 }, idempotency_key = "order-42" });
        var otherCallback = await Client.PostJsonAsync("/api/v1/jobs",
            new { kind = "echo", input = new { order = 42 }, idempotency_key = "order-42", callback_url = "http://127.0.0.1:9/hook" });

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        foreach (var refused in new[] { otherInput, otherKind, otherCallback })
        {
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
            var detail = (await refused.ReadJsonAsync()).GetProperty("detail");
            Assert.Equal("IDEMPOTENCY_KEY_REUSED", detail.GetProperty("error").GetString());
        }
        var list = await Client.GetFromJsonAsync<JobListResponse>("/api/v1/jobs", BoomerangJson.Options);
        Assert.Single(list!.Jobs);
    }

    [Fact]
    public async Task The_same_request_with_its_fields_reordered_still_gets_the_first_job_with_200()
    {
        var first = await PostRawAsync("""{"kind":"echo","idempotency_key":"k","input":{"a":1,"b":[1,2,{"c":"x","d":null}]}}""");
        var again = await PostRawAsync("""
            { "input": { "b": [1, 2, { "d": null, "c": "x" }], "a": 1 }, "idempotency_key": "k", "kind": "echo" }
            """);

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal((await first.ReadJsonAsync()).GetProperty("job_id").GetString(), (await again.ReadJsonAsync()).GetProperty("job_id").GetString());
    }

    [Fact]
    public async Task In_a_batch_the_item_that_reuses_a_key_with_another_request_alone_gets_409()
    {
        var response = await Client.PostJsonAsync("/api/v1/jobs/batch", new
        {
            jobs = new object[]
            {
                new { kind = "echo", input = 1, idempotency_key = "k" },
                new { kind = "echo", input = 1, idempotency_key = "k" },
                new { kind = "echo", input = 2, idempotency_key = "k" },
                new { kind = "echo", input = 2 },
            },
        });

        var results = (await response.Content.ReadFromJsonAsync<SubmitBatchResponse>(BoomerangJson.Options))!.Results;
        Assert.Equal([202, 200, 409, 202], results.Select(r => r.Status));
        Assert.Equal(results[0].JobId, results[1].JobId);
        Assert.Equal("IDEMPOTENCY_KEY_REUSED", results[2].Error!.Value.GetProperty("error").GetString());
    }
}
