using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Tally.Functions.Jobs;
using Tally.Jobs;
using Tally.Jobs.Bulk;
using Tally.Tests.Infrastructure;

namespace Tally.Tests.Jobs;

/// <summary>Bulk retry and cancel run on the server, through the state machine's transitions, a bounded number of jobs a call.</summary>
[Collection(StorageCollection.Name)]
public sealed class JobBulkActionsTests(Azurite azurite, Origin origin) : AppTests(azurite)
{
    [Fact]
    public async Task RetryOfARequest_RequeuesExactlyItsFailedJobs_WhichThenRunAgain()
    {
        UseHoursOfTheirOwn();
        var flaky = origin.Flaky(1, 404, "now it counts"); // fails once for good, then serves
        Uri[] urls = [flaky, origin.Page("fine"), origin.Status(404)];
        var accepted = await App.PostJobsAsync(JsonSerializer.Serialize(new { urls }));
        var other = await App.PostJobsAsync($$"""{"url": "{{origin.Status(404)}}"}""");
        await App.Host.DrainAsync();
        var ids = accepted.Body.GetProperty("jobs").EnumerateArray().Select(j => j.GetProperty("id").GetString()!).ToArray();

        var outcome = await ActAsync("retry", new { request = accepted.Text("requestId") });
        var queued = new[] { (await App.GetJobAsync(ids[0])).Text("status"), (await App.GetJobAsync(ids[2])).Text("status") };
        await App.Host.DrainAsync();

        Assert.Equal((200, 2, 2), (outcome.Status, outcome.Body.GetProperty("matched").GetInt32(), outcome.Body.GetProperty("changed").GetInt32()));
        Assert.False(outcome.Body.TryGetProperty("continuation", out _));
        Assert.Equal(["queued", "queued"], queued);
        Assert.Equal("succeeded", (await App.GetJobAsync(ids[0])).Text("status")); // its second run counted
        Assert.Equal(2, (await App.GetJobAsync(ids[0])).Body.GetProperty("attempts").GetInt32());
        Assert.Equal(1, (await App.GetJobAsync(ids[1])).Body.GetProperty("attempts").GetInt32()); // a succeeded job is not matched
        Assert.Equal("failed", (await App.GetJobAsync(other.Text("id"))).Text("status")); // another request's failure is left alone
    }

    [Fact]
    public async Task CancelOfARequest_CancelsItsQueuedJobs_AndASecondCallMatchesNone()
    {
        UseHoursOfTheirOwn();
        var accepted = await App.PostJobsAsync(JsonSerializer.Serialize(new { urls = Enumerable.Range(0, 40).Select(i => origin.Page($"p{i}")) }));

        var first = await ActAsync("cancel", new { request = accepted.Text("requestId") });
        var second = await ActAsync("cancel", new { request = accepted.Text("requestId") });
        await App.Host.DrainAsync();

        Assert.Equal((40, 40), (first.Body.GetProperty("matched").GetInt32(), first.Body.GetProperty("changed").GetInt32()));
        Assert.Equal((0, 0), (second.Body.GetProperty("matched").GetInt32(), second.Body.GetProperty("changed").GetInt32()));
        foreach (var job in accepted.Body.GetProperty("jobs").EnumerateArray())
        {
            Assert.Equal("canceled", (await App.GetJobAsync(job.GetProperty("id").GetString()!)).Text("status"));
        }
    }

    [Fact]
    public async Task RetryOfATimeRange_TakesOnlyRequestsMadeWithinIt()
    {
        var start = UseHoursOfTheirOwn();
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add((await App.PostJobsAsync($$"""{"url": "{{origin.Status(404)}}"}""")).Text("id"));
            App.Clock.Advance(TimeSpan.FromMinutes(10));
        }

        await App.Host.DrainAsync();

        var outcome = await ActAsync("retry", new { status = "failed", from = start.AddMinutes(5), to = start.AddMinutes(15) });

        Assert.Equal((1, 1), (outcome.Body.GetProperty("matched").GetInt32(), outcome.Body.GetProperty("changed").GetInt32()));
        Assert.Equal(["failed", "queued", "failed"], await Task.WhenAll(ids.Select(async id => (await App.GetJobAsync(id)).Text("status"))));
    }

    [Fact]
    public async Task ACallTakesAtMostItsCap_AndItsContinuationTakesTheRest()
    {
        var start = UseHoursOfTheirOwn();
        var many = Enumerable.Range(0, JobBulkActions.MaxJobsPerCall).Select(i => $"http://cap.example/{i}");
        Assert.Equal(202, (await App.PostJobsAsync(JsonSerializer.Serialize(new { urls = many }))).Status);
        App.Clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(202, (await App.PostJobsAsync(JsonSerializer.Serialize(new { urls = new[] { "http://cap.example/a", "http://cap.example/b" } }))).Status);

        var first = await ActAsync("cancel", new { status = "queued", from = start });
        var second = await ActAsync("cancel", new { status = "queued", from = start, continuation = first.Text("continuation") });

        Assert.Equal((JobBulkActions.MaxJobsPerCall, JobBulkActions.MaxJobsPerCall), (first.Body.GetProperty("matched").GetInt32(), first.Body.GetProperty("changed").GetInt32()));
        Assert.Equal((2, 2), (second.Body.GetProperty("matched").GetInt32(), second.Body.GetProperty("changed").GetInt32()));
        Assert.False(second.Body.TryGetProperty("continuation", out _));
    }

    [Fact]
    public async Task DryRun_CountsWhatACallWouldTake_ChangingNothing_WithTheContinuationThatCountsOn()
    {
        var start = UseHoursOfTheirOwn();
        var many = Enumerable.Range(0, JobBulkActions.MaxJobsPerCall + 3).Select(i => $"http://dry.example/{i}");
        var accepted = await App.PostJobsAsync(JsonSerializer.Serialize(new { urls = many.Take(JobBulkActions.MaxJobsPerCall) }));
        App.Clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(202, (await App.PostJobsAsync(JsonSerializer.Serialize(new { urls = many.Skip(JobBulkActions.MaxJobsPerCall) }))).Status);

        var first = await ActAsync("cancel", new { status = "queued", from = start, dryRun = true });
        var second = await ActAsync("cancel", new { status = "queued", from = start, dryRun = true, continuation = first.Text("continuation") });
        var ofRequest = await ActAsync("cancel", new { request = accepted.Text("requestId"), dryRun = true });

        Assert.Equal((JobBulkActions.MaxJobsPerCall, 0), (first.Body.GetProperty("matched").GetInt32(), first.Body.GetProperty("changed").GetInt32()));
        Assert.Equal((3, 0), (second.Body.GetProperty("matched").GetInt32(), second.Body.GetProperty("changed").GetInt32()));
        Assert.Equal(JobBulkActions.MaxJobsPerCall, ofRequest.Body.GetProperty("matched").GetInt32());
        foreach (var job in accepted.Body.GetProperty("jobs").EnumerateArray().Take(5))
        {
            Assert.Equal("queued", (await App.GetJobAsync(job.GetProperty("id").GetString()!)).Text("status")); // nothing changed
        }
    }

    [Theory]
    [InlineData("retry", """{"status": "failed", "dryRun": "yes"}""", "\"dryRun\" must be true")]
    [InlineData("retry", """{}""", "neither a request nor a status")]
    [InlineData("retry", """[1]""", "not an object")]
    [InlineData("retry", """{"request": "abc"}""", "\"request\"")]
    [InlineData("retry", """{"status": "succeeded"}""", "failed or canceled")]
    [InlineData("cancel", """{"status": "failed"}""", "queued")]
    [InlineData("retry", """{"status": "failed", "from": "yesterday"}""", "\"from\"")]
    [InlineData("retry", """{"status": "failed", "from": "2025-01-02T00:00:00Z", "to": "2025-01-01T00:00:00Z"}""", "swap")]
    [InlineData("retry", """{"request": "0123456789abcdef0123456789ab", "from": "2025-01-01T00:00:00Z"}""", "one filter or the other")]
    [InlineData("retry", """{"status": "failed", "everything": true}""", "\"everything\"")]
    [InlineData("retry", """{"status": "failed", "continuation": "nope"}""", "\"continuation\"")]
    public async Task BadFilter_Answers400_SayingWhatToChange(string action, string body, string detail)
    {
        UseHoursOfTheirOwn();
        var response = await App.ExecuteAsync(Invoke(action, body));

        Assert.Equal(400, response.Status);
        Assert.Equal("application/problem+json", response.ContentType);
        Assert.Contains(detail, response.Text("detail"));
    }

    private Task<ApiResponse> ActAsync(string action, object filter) => App.ExecuteAsync(Invoke(action, JsonSerializer.Serialize(filter)));

    private Task<Microsoft.AspNetCore.Mvc.IActionResult> Invoke(string action, string body)
    {
        var api = ActivatorUtilities.GetServiceOrCreateInstance<JobActionsApi>(App.Services);
        var request = TallyApp.Request("POST", body);
        return action == "retry" ? api.RetryJobs(request, default) : api.CancelJobs(request, default);
    }

    /// <summary>Sets the clock to hours of the test's own, far from the present: the jobs it leaves (failed ones too) are in no other test's listing.</summary>
    private DateTimeOffset UseHoursOfTheirOwn()
    {
        App.Clock.SetUtcNow(new DateTimeOffset(2400, 1, 1, 0, 0, 0, TimeSpan.Zero).AddHours(Random.Shared.Next(500_000)));
        return App.Clock.GetUtcNow();
    }
}
