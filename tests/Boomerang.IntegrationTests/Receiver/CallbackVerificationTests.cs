using System.Net;
using System.Text;
using Boomerang.IntegrationTests.Infrastructure;
using Boomerang.Receiver.Tasks;

namespace Boomerang.IntegrationTests.Receiver;

/// <summary>Signed requests over real HTTP against a real receiver app, for each of the three schemes.</summary>
public sealed class CallbackVerificationTests : IAsyncLifetime
{
    private ReceiverApp _app = null!;

    public async Task InitializeAsync() => _app = await ReceiverApp.StartAsync();
    public async Task DisposeAsync() => await _app.DisposeAsync();

    public static TheoryData<Scheme> AllSchemes => [Scheme.StandardWebhooks, Scheme.Dedup, Scheme.ContentHub];
    public static TheoryData<Scheme> TimedSchemes => [Scheme.StandardWebhooks, Scheme.Dedup];

    [Theory]
    [MemberData(nameof(AllSchemes))]
    public async Task A_correctly_signed_completion_is_processed_and_completes_the_task(Scheme scheme)
    {
        var task = await _app.AddTaskAsync();
        var body = CallbackRequests.CompletedBody(scheme, task.TaskId, task.JobId!);

        var response = await _app.Client.PostAsync(task.TaskId, body, CallbackRequests.Sign(scheme, body, task.JobId!));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"success":true,"message":"Callback processed"}""", await response.Content.ReadAsStringAsync());
        var stored = await _app.TaskAsync(task.TaskId);
        Assert.Equal(TrackedTaskStatus.Completed, stored.Status);
        Assert.Equal(100, stored.Progress);
        Assert.Equal(SettledBy.Callback, stored.SettledBy);
        Assert.NotNull(stored.Result);
        Assert.Single(_app.Handled.EffectsFor(task.TaskId));
    }

    [Theory]
    [MemberData(nameof(AllSchemes))]
    public async Task A_signature_made_with_an_unknown_secret_is_refused_with_403(Scheme scheme)
    {
        var task = await _app.AddTaskAsync();
        var body = CallbackRequests.CompletedBody(scheme, task.TaskId, task.JobId!);
        var forger = scheme == Scheme.StandardWebhooks ? "whsec_" + Convert.ToBase64String(Encoding.UTF8.GetBytes("not-the-real-key-at-all")) : "guessed";

        var response = await _app.Client.PostAsync(task.TaskId, body, CallbackRequests.Sign(scheme, body, task.JobId!, secret: forger));

        await AssertRefusedAsync(response, HttpStatusCode.Forbidden, task.TaskId);
    }

    [Theory]
    [MemberData(nameof(AllSchemes))]
    public async Task A_body_changed_after_signing_is_refused_with_403(Scheme scheme)
    {
        var task = await _app.AddTaskAsync();
        var body = CallbackRequests.CompletedBody(scheme, task.TaskId, task.JobId!);
        var headers = CallbackRequests.Sign(scheme, body, task.JobId!);
        var tampered = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(body).Replace("completed", "failed", StringComparison.Ordinal));

        var response = await _app.Client.PostAsync(task.TaskId, tampered, headers);

        await AssertRefusedAsync(response, HttpStatusCode.Forbidden, task.TaskId);
    }

    [Fact]
    public async Task Re_serialising_the_json_breaks_the_signature_so_verification_is_on_the_raw_bytes()
    {
        var task = await _app.AddTaskAsync();
        var body = CallbackRequests.CompletedBody(Scheme.StandardWebhooks, task.TaskId, task.JobId!);
        var headers = CallbackRequests.Sign(Scheme.StandardWebhooks, body, task.JobId!);
        var reformatted = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(body).Replace(",", ", ", StringComparison.Ordinal));

        var response = await _app.Client.PostAsync(task.TaskId, reformatted, headers);

        await AssertRefusedAsync(response, HttpStatusCode.Forbidden, task.TaskId);
    }

    [Theory]
    [MemberData(nameof(TimedSchemes))]
    public async Task A_signature_older_than_five_minutes_is_refused_with_403(Scheme scheme)
    {
        var task = await _app.AddTaskAsync();
        var body = CallbackRequests.CompletedBody(scheme, task.TaskId, task.JobId!);

        var response = await _app.Client.PostAsync(task.TaskId, body, CallbackRequests.Sign(scheme, body, task.JobId!, at: DateTimeOffset.UtcNow.AddMinutes(-6)));

        await AssertRefusedAsync(response, HttpStatusCode.Forbidden, task.TaskId);
    }

    [Theory]
    [MemberData(nameof(TimedSchemes))]
    public async Task A_signature_dated_more_than_five_minutes_ahead_is_refused_with_403(Scheme scheme)
    {
        var task = await _app.AddTaskAsync();
        var body = CallbackRequests.CompletedBody(scheme, task.TaskId, task.JobId!);

        var response = await _app.Client.PostAsync(task.TaskId, body, CallbackRequests.Sign(scheme, body, task.JobId!, at: DateTimeOffset.UtcNow.AddMinutes(6)));

        await AssertRefusedAsync(response, HttpStatusCode.Forbidden, task.TaskId);
    }

    [Theory]
    [MemberData(nameof(AllSchemes))]
    public async Task A_replayed_delivery_is_answered_already_processed_and_has_no_second_effect(Scheme scheme)
    {
        var task = await _app.AddTaskAsync();
        var body = CallbackRequests.CompletedBody(scheme, task.TaskId, task.JobId!);
        var headers = CallbackRequests.Sign(scheme, body, task.JobId!);

        var first = await _app.Client.PostAsync(task.TaskId, body, headers);
        var replay = await _app.Client.PostAsync(task.TaskId, body, headers);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        Assert.Equal("""{"success":true,"message":"Already processed"}""", await replay.Content.ReadAsStringAsync());
        Assert.Single(_app.Handled.EffectsFor(task.TaskId));
    }

    [Theory]
    [MemberData(nameof(AllSchemes))]
    public async Task An_unsigned_callback_is_refused_with_401_when_signatures_are_required(Scheme scheme)
    {
        var task = await _app.AddTaskAsync();
        var body = CallbackRequests.CompletedBody(scheme, task.TaskId, task.JobId!);

        var response = await _app.Client.PostAsync(task.TaskId, body);

        await AssertRefusedAsync(response, HttpStatusCode.Unauthorized, task.TaskId);
    }

    [Fact]
    public async Task With_secrets_configured_and_require_signature_unset_an_unsigned_callback_is_refused()
    {
        await using var app = await ReceiverApp.StartAsync(receiver: o => o.RequireSignature = null);
        var task = await app.AddTaskAsync();
        var body = CallbackRequests.CompletedBody(Scheme.StandardWebhooks, task.TaskId, task.JobId!);

        var response = await app.Client.PostAsync(task.TaskId, body);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(TrackedTaskStatus.Pending, (await app.TaskAsync(task.TaskId)).Status);
    }

    [Fact]
    public async Task Require_signature_false_accepts_an_unsigned_callback_as_the_seed_did()
    {
        await using var app = await ReceiverApp.StartAsync(receiver: o => o.RequireSignature = false);
        var task = await app.AddTaskAsync();
        var body = CallbackRequests.CompletedBody(Scheme.StandardWebhooks, task.TaskId, task.JobId!);

        var response = await app.Client.PostAsync(task.TaskId, body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_signature_from_the_previous_secret_is_accepted_during_rotation()
    {
        var task = await _app.AddTaskAsync();
        var body = CallbackRequests.CompletedBody(Scheme.Dedup, task.TaskId, task.JobId!);

        var response = await _app.Client.PostAsync(task.TaskId, body, CallbackRequests.Sign(Scheme.Dedup, body, task.JobId!, secret: ReceiverApp.OldPlainSecret));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task One_valid_entry_among_several_standard_webhooks_signatures_is_enough()
    {
        var task = await _app.AddTaskAsync();
        var body = CallbackRequests.CompletedBody(Scheme.StandardWebhooks, task.TaskId, task.JobId!);
        var headers = CallbackRequests.Sign(Scheme.StandardWebhooks, body, task.JobId!);
        headers["webhook-signature"] = "v1,bm90LWEtcmVhbC1zaWduYXR1cmUtYXQtYWxsLW5vcGU= v2,whatever " + headers["webhook-signature"];

        var response = await _app.Client.PostAsync(task.TaskId, body, headers);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_validly_signed_callback_for_another_tasks_job_is_refused_with_403()
    {
        var mine = await _app.AddTaskAsync();
        var other = await _app.AddTaskAsync();
        var body = CallbackRequests.CompletedBody(Scheme.StandardWebhooks, other.TaskId, other.JobId!);

        var response = await _app.Client.PostAsync(mine.TaskId, body, CallbackRequests.Sign(Scheme.StandardWebhooks, body, other.JobId!));

        await AssertRefusedAsync(response, HttpStatusCode.Forbidden, mine.TaskId);
    }

    [Fact]
    public async Task A_dedup_signature_for_one_job_id_cannot_carry_a_body_naming_another()
    {
        var task = await _app.AddTaskAsync();
        var body = CallbackRequests.CompletedBody(Scheme.Dedup, task.TaskId, task.JobId!);
        var headers = CallbackRequests.Sign(Scheme.Dedup, body, "some-other-job");

        var response = await _app.Client.PostAsync(task.TaskId, body, headers);

        await AssertRefusedAsync(response, HttpStatusCode.Forbidden, task.TaskId);
    }

    [Fact]
    public async Task A_callback_for_an_unknown_task_is_a_404()
    {
        var body = CallbackRequests.CompletedBody(Scheme.StandardWebhooks, "nope", "job-nope");
        var response = await _app.Client.PostAsync("nope", body, CallbackRequests.Sign(Scheme.StandardWebhooks, body, "job-nope"));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("""{"detail":"Task not found"}""", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("not json", "not valid JSON")]
    [InlineData("[1]", "JSON object")]
    [InlineData("""{"event":"job.exploded","job_id":"j"}""", "unknown event")]
    [InlineData("""{"event":"job.completed"}""", "job_id")]
    [InlineData("""{"event":"job.progress","job_id":"j","progress":"half"}""", "progress")]
    [InlineData("""{"taskId":"x"}""", "event")]
    public async Task A_malformed_body_or_unknown_event_is_a_400_that_says_why(string json, string mentioned)
    {
        var task = await _app.AddTaskAsync();
        var body = Encoding.UTF8.GetBytes(json);

        var response = await _app.Client.PostAsync(task.TaskId, body, CallbackRequests.Sign(Scheme.StandardWebhooks, body, task.JobId!));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(mentioned, await response.Content.ReadAsStringAsync());
        Assert.Equal(TrackedTaskStatus.Pending, (await _app.TaskAsync(task.TaskId)).Status);
    }

    [Fact]
    public async Task A_body_over_the_size_limit_is_refused_with_413()
    {
        var task = await _app.AddTaskAsync();
        var body = Encoding.UTF8.GetBytes($$"""{"event":"completed","taskId":"{{task.TaskId}}","result":"{{new string('x', 6 * 1024 * 1024)}}"}""");

        var response = await _app.Client.PostAsync(task.TaskId, body, CallbackRequests.Sign(Scheme.ContentHub, body, task.JobId!));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    private async Task AssertRefusedAsync(HttpResponseMessage response, HttpStatusCode expected, string taskId)
    {
        Assert.Equal(expected, response.StatusCode);
        var stored = await _app.TaskAsync(taskId);
        Assert.Equal(TrackedTaskStatus.Pending, stored.Status);
        Assert.Empty(_app.Handled.EffectsFor(taskId));
    }
}
