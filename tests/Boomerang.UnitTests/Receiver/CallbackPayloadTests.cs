using System.Text;
using Boomerang.Receiver;
using Boomerang.Receiver.Callbacks;

namespace Boomerang.UnitTests.Receiver;

public sealed class CallbackPayloadTests
{
    private static CallbackPayload Parse(string json)
    {
        var (payload, problem) = CallbackPayload.Parse(Encoding.UTF8.GetBytes(json));
        Assert.True(payload is not null, problem);
        return payload;
    }

    [Fact]
    public void Boomerangs_completion_carries_job_result_and_a_derived_id_per_event()
    {
        var p = Parse("""{"error":null,"event":"job.completed","job_id":"j1","kind":"k","progress":100,"result":{"a":1},"status":"completed","tenant_id":"t"}""");

        Assert.Equal((CallbackKind.Completed, "j1", 100), (p.Kind, p.JobId, p.Progress));
        Assert.Equal(1, p.Result!.Value.GetProperty("a").GetInt32());
        Assert.Equal("j1:job.completed", p.DerivedWebhookId());
    }

    [Fact]
    public void The_seeds_payload_without_event_takes_its_event_from_status()
    {
        var p = Parse("""{"job_id":"j2","tenant_id":"t","status":"failed","started_at":1.0,"finished_at":2.0,"result":null,"error":"vision down"}""");

        Assert.Equal((CallbackKind.Failed, "job.failed", "vision down"), (p.Kind, p.Event, p.Error));
    }

    [Fact]
    public void Contenthub_progress_events_get_distinct_derived_ids_per_percentage()
    {
        var at30 = Parse("""{"event":"progress","taskId":"t1","progress":30}""");
        var at60 = Parse("""{"event":"progress","taskId":"t1","progress":60.4}""");

        Assert.Equal((CallbackKind.Progress, "t1", 30), (at30.Kind, at30.TaskId, at30.Progress));
        Assert.Equal(60, at60.Progress);
        Assert.NotEqual(at30.DerivedWebhookId(), at60.DerivedWebhookId());
    }

    [Fact]
    public void Progress_outside_0_to_100_is_clamped()
    {
        Assert.Equal(100, Parse("""{"event":"job.progress","job_id":"j","progress":250}""").Progress);
        Assert.Equal(0, Parse("""{"event":"job.progress","job_id":"j","progress":-5}""").Progress);
    }

    [Theory]
    [InlineData("", "not valid JSON")]
    [InlineData("\"text\"", "JSON object")]
    [InlineData("""{"event":"started","taskId":"t"}""", "unknown event")]
    [InlineData("""{"event":"job.canceled"}""", "job_id")]
    [InlineData("""{"event":"completed"}""", "taskId")]
    [InlineData("""{"event":"job.completed","job_id":7}""", "'job_id' must be a string")]
    [InlineData("""{"event":"progress","taskId":"t"}""", "progress")]
    [InlineData("""{"job_id":"j","status":"in_progress"}""", "event")]
    public void Malformed_bodies_are_refused_with_the_reason(string json, string reason)
    {
        var (payload, problem) = CallbackPayload.Parse(Encoding.UTF8.GetBytes(json));

        Assert.Null(payload);
        Assert.Contains(reason, problem);
    }
}
