using System.Text;
using Tally.Jobs;
using Tally.Tests.Infrastructure;

namespace Tally.Tests.Jobs;

/// <summary>
/// A continuation token cannot be forged into work: one naming an hour outside the listing's window answers 400 at
/// once, and a page of any listing makes at most <see cref="ListingBudget.For"/> storage calls, whatever it is given.
/// </summary>
[Collection(StorageCollection.Name)]
public sealed class ListingTokenTests(Azurite azurite, Origin origin) : AppTests(azurite)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task ATokenDatedInTheFarFuture_Answers400_WithoutWalkingTheIndex()
    {
        var token = Token(JobId(new DateTimeOffset(5000, 1, 1, 0, 0, 0, TimeSpan.Zero)));
        App.Faults.Reset();

        var response = await ListAsync($"status=failed&continuation={token}").WaitAsync(Deadline);

        Assert.Equal(400, response.Status);
        Assert.Contains("continuation", response.Text("detail"));
        Assert.Equal(0, App.Faults.Calls);
    }

    [Fact]
    public async Task ATokenFromBeforeTheWindow_Answers400()
    {
        var token = Token(JobId(App.Clock.GetUtcNow() - (3 * App.ResultTtl) - TimeSpan.FromHours(2)));

        var response = await ListAsync($"status=failed&continuation={token}").WaitAsync(Deadline);

        Assert.Equal(400, response.Status);
    }

    [Fact]
    public async Task AWideWindow_IsWalkedAPageOfBoundedCallsAtATime_AndStillReachesItsOldestJob()
    {
        const int limit = 10;
        await using var app = new TallyApp(Azurite, new Dictionary<string, string?> { ["Tally:Jobs:ResultTtl"] = "30.00:00:00" }); // a window of 1,441 hours
        app.Clock.SetUtcNow(new DateTimeOffset(2400, 1, 1, 0, 0, 0, TimeSpan.Zero).AddHours(Random.Shared.Next(500_000))); // hours no other test lists
        var old = (await app.PostJobsAsync($$"""{"url": "{{origin.Status(404)}}"}""")).Text("id");
        await app.Host.DrainAsync();
        app.Clock.Advance(TimeSpan.FromDays(25)); // 600 empty hours between now and the job

        var listed = new List<string>();
        var calls = new List<int>();
        string? token = null;
        for (var page = 0; page < 200; page++)
        {
            app.Faults.Reset();
            var response = await app.ExecuteAsync(app.Api.ListJobs(TallyApp.Request("GET", query: $"?status=failed&limit={limit}" + (token is null ? "" : $"&continuation={token}")), default)).WaitAsync(Deadline);
            calls.Add(app.Faults.Calls);
            Assert.Equal(200, response.Status);
            listed.AddRange(response.Body.GetProperty("jobs").EnumerateArray().Select(job => job.GetProperty("id").GetString()!));
            token = response.Body.TryGetProperty("continuation", out var next) ? next.GetString() : null;
            if (token is null || listed.Contains(old))
            {
                break;
            }
        }

        Assert.Contains(old, listed);
        Assert.All(calls, count => Assert.InRange(count, 1, (2 * limit) + ListingBudget.IndexCalls));
        Assert.True(calls.Count > 1, "600 empty hours take more than one page of bounded calls");
    }

    /// <summary>A well-formed job id of a request made at <paramref name="time"/>.</summary>
    private static string JobId(DateTimeOffset time) => JobIds.NewKey(time) + JobIds.Row(0);

    private static string Token(string text) => Convert.ToBase64String(Encoding.ASCII.GetBytes(text)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private Task<ApiResponse> ListAsync(string query) => App.ExecuteAsync(App.Api.ListJobs(TallyApp.Request("GET", query: "?" + query), default));
}
