using System.Text.Json;
using Tally.Jobs;
using Tally.Tests.Infrastructure;

namespace Tally.Tests.Time;

/// <summary>
/// Delayed jobs through the app's own services on Azurite: the queue hides their messages in real time, the app's
/// clock (<see cref="TallyApp.Clock"/>) says whether they are due, so a message that comes before its time is seen.
/// </summary>
[Collection(StorageCollection.Name)]
public sealed class DelayedJobTests(Azurite azurite, Origin origin) : AppTests(azurite)
{
    [Fact]
    public async Task DelayedJob_IsScheduled_ListedAndRead_ThenRunsOnceDue_AndNotBefore()
    {
        var posted = App.Clock.GetUtcNow();
        var accepted = await App.PostJobsAsync($$"""{"url": "{{origin.Page("one two three")}}", "delay": "PT1S"}""");
        var id = accepted.Text("id");
        var listed = await App.ExecuteAsync(App.Api.ListJobs(TallyApp.Request("GET", query: "?status=scheduled"), default));

        // The message shows after a second; the app's clock has not moved, so it is early and hides itself again.
        await Eventually.GetAsync(App.Host.DrainAsync, deliveries => deliveries > 0, what: "the early delivery");
        var early = await App.GetJobAsync(id);
        var waiting = await AllMessagesCountAsync();

        App.Clock.Advance(TimeSpan.FromSeconds(1));
        var done = await Eventually.GetAsync(
            async () => { await App.Host.DrainAsync(); return await App.GetJobAsync(id); }, job => job.Text("status") == "succeeded", what: "the job to run");

        Assert.Equal("scheduled", accepted.Text("status"));
        Assert.Equal(posted.AddSeconds(1), accepted.Body.GetProperty("runAt").GetDateTimeOffset());
        Assert.Contains(id, listed.Body.GetProperty("jobs").EnumerateArray().Select(j => j.GetProperty("id").GetString()));
        Assert.Equal(("scheduled", 0), (early.Text("status"), early.Body.GetProperty("attempts").GetInt32()));
        Assert.Equal(1, waiting);
        Assert.Equal(3, done.Body.GetProperty("words").GetInt64());
        Assert.Equal(1, done.Body.GetProperty("attempts").GetInt32());
    }

    [Fact]
    public async Task ManyUrls_WithRunAt_AreAllScheduled_ForThatInstant()
    {
        var runAt = App.Clock.GetUtcNow().AddHours(2);
        var body = JsonSerializer.Serialize(new { urls = new[] { origin.Page("a"), origin.Page("b") }, runAt = runAt.ToString("O") });

        var accepted = await App.PostJobsAsync(body);
        var jobs = accepted.Body.GetProperty("jobs").EnumerateArray().ToArray();

        Assert.Equal(202, accepted.Status);
        Assert.All(jobs, job => Assert.Equal(("scheduled", runAt), (job.GetProperty("status").GetString(), job.GetProperty("runAt").GetDateTimeOffset())));
        Assert.Equal(0, await App.MessageCountAsync()); // hidden until then
        Assert.Equal(1, await AllMessagesCountAsync());
    }

    [Fact]
    public async Task Cancel_BeforeItIsDue_CancelsIt_AndItsMessageLaterChangesNothing()
    {
        var id = (await App.PostJobsAsync($$"""{"url": "{{origin.Page("x")}}", "delay": "PT1S"}""")).Text("id");

        var canceled = await App.ExecuteAsync(App.Api.CancelJob(TallyApp.Request("DELETE"), id, default));
        App.Clock.Advance(TimeSpan.FromSeconds(1));
        await Eventually.GetAsync(App.Host.DrainAsync, deliveries => deliveries > 0, what: "the due delivery");
        var job = await App.GetJobAsync(id);

        Assert.Equal((200, "canceled"), (canceled.Status, canceled.Text("status")));
        Assert.Equal(("canceled", 0), (job.Text("status"), job.Body.GetProperty("attempts").GetInt32()));
    }

    [Fact]
    public async Task Retry_OfACanceledDelayedJob_RunsItNow()
    {
        var id = (await App.PostJobsAsync($$"""{"url": "{{origin.Page("a b")}}", "delay": "PT1H"}""")).Text("id");
        await App.ExecuteAsync(App.Api.CancelJob(TallyApp.Request("DELETE"), id, default));

        var retried = await App.ExecuteAsync(App.Api.RetryJob(TallyApp.Request("POST"), id, default));
        await App.Host.DrainAsync();
        var job = await App.GetJobAsync(id);

        Assert.Equal((202, "queued"), (retried.Status, retried.Text("status")));
        Assert.Equal(("succeeded", 2L), (job.Text("status"), job.Body.GetProperty("words").GetInt64()));
    }

    [Fact]
    public async Task DelayLongerThanAQueueHides_ArrivesAfterSevenDays_HidesAgainForTheRest_ThenRuns()
    {
        var accepted = await App.PostJobsAsync($$"""{"url": "{{origin.Page("a b c d")}}", "delay": "P8D"}""");
        var id = accepted.Text("id");
        var message = JobMessage.ToJson([new JobMessage(id, 1, accepted.Body.GetProperty("runAt").GetDateTimeOffset())]);
        var runner = App.Get<JobRunner>();

        // What the queue hands over after its limit of seven days: the same message, a day early.
        App.Clock.Advance(TimeSpan.FromDays(7));
        await runner.RunAsync(message, "after-7-days", default);
        var early = await App.GetJobAsync(id);
        var (visible, all) = (await App.MessageCountAsync(), await AllMessagesCountAsync());

        App.Clock.Advance(TimeSpan.FromDays(1));
        await runner.RunAsync(message, "after-8-days", default);
        var done = await App.GetJobAsync(id);

        Assert.Equal("scheduled", early.Text("status"));
        Assert.Equal((0, 2), (visible, all)); // the first send and the one for the day left, both hidden
        Assert.Equal(("succeeded", 4L), (done.Text("status"), done.Body.GetProperty("words").GetInt64()));
    }

    [Theory]
    [InlineData("""{"url": "https://example.org/", "runAt": "2026-01-01T00:00:00Z", "delay": "PT1M"}""", "not both")]
    [InlineData("""{"url": "https://example.org/", "runAt": "2000-01-01T00:00:00Z"}""", "has passed")]
    [InlineData("""{"url": "https://example.org/", "delay": "P1000D"}""", "Tally:Jobs:MaxDelay")]
    [InlineData("""{"url": "https://example.org/", "delay": "soon"}""", "ISO 8601 duration")]
    [InlineData("""{"url": "https://example.org/", "runAt": 1764800000}""", "must be a string")]
    public async Task BadTiming_Answers400ProblemJson_AndEnqueuesNothing(string body, string detail)
    {
        var answer = await App.PostJobsAsync(body);

        Assert.Equal((400, "application/problem+json"), (answer.Status, answer.ContentType));
        Assert.Contains(detail, answer.Text("detail"));
        Assert.Equal(0, await AllMessagesCountAsync());
    }

    /// <summary>Every message on the jobs queue, hidden ones too (the queue's approximate count is exact on Azurite).</summary>
    private async Task<int> AllMessagesCountAsync() =>
        (await App.Queues.GetQueueClient(JobStorage.QueueName).GetPropertiesAsync()).Value.ApproximateMessagesCount;
}
