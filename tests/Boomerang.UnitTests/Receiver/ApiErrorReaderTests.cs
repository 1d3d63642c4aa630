using Boomerang.Client;

namespace Boomerang.UnitTests.Receiver;

public sealed class ApiErrorReaderTests
{
    [Fact]
    public void An_object_detail_gives_its_error_code_and_message()
    {
        var (code, message, detail) = ApiErrorReader.Parse("""{"detail":{"error":"JOB_QUEUE_FULL","message":"Job queue full: 5/5 jobs","max_jobs":5}}""");
        Assert.Equal(("JOB_QUEUE_FULL", "Job queue full: 5/5 jobs"), (code, message));
        Assert.Equal(5, detail!.Value.GetProperty("max_jobs").GetInt32());
    }

    [Fact]
    public void An_object_detail_without_message_uses_the_code()
    {
        var (code, message, _) = ApiErrorReader.Parse("""{"detail":{"error":"JOB_NOT_FOUND","job_id":"x"}}""");
        Assert.Equal(("JOB_NOT_FOUND", "JOB_NOT_FOUND"), (code, message));
    }

    [Fact]
    public void A_text_detail_is_the_message_with_no_code()
    {
        var (code, message, _) = ApiErrorReader.Parse("""{"detail":"Missing API Key"}""");
        Assert.Equal((null, "Missing API Key"), (code, message));
    }

    [Theory]
    [InlineData("")]
    [InlineData("<html>bad gateway</html>")]
    [InlineData("""{"title":"problem details"}""")]
    public void Other_bodies_give_neither(string body)
    {
        var (code, message, detail) = ApiErrorReader.Parse(body);
        Assert.Equal((null, null, false), (code, message, detail.HasValue));
    }
}
