using System.Text.Json;
using Tally.Jobs;
using Tally.Tests.Infrastructure;

namespace Tally.Tests.Jobs;

/// <summary>A job names its request; a request's jobs are found by its id, and a status's jobs by their origin.</summary>
[Collection(StorageCollection.Name)]
public sealed class JobSearchTests(Azurite azurite, Origin origin) : AppTests(azurite)
{
    [Fact]
    public async Task EnqueueAnswer_CarriesTheRequestId_AsDoesEveryJobOfIt()
    {
        UseHoursOfTheirOwn();
        var one = await App.PostJobsAsync($$"""{"url": "{{origin.Page("a")}}"}""");
        var many = await App.PostJobsAsync(JsonSerializer.Serialize(new { urls = new[] { origin.Page("b"), origin.Page("c") } }));

        Assert.Equal(one.Text("id")[..JobIds.KeyLength], one.Text("requestId"));
        var requestId = many.Text("requestId");
        Assert.All(many.Body.GetProperty("jobs").EnumerateArray(), job => Assert.Equal(requestId, job.GetProperty("requestId").GetString()));
        var read = await App.GetJobAsync(many.Body.GetProperty("jobs")[1].GetProperty("id").GetString()!);
        Assert.Equal(requestId, read.Text("requestId"));
    }

    [Fact]
    public async Task ListByRequest_ReturnsItsJobsInAnyStatus_InOrder_AcrossPages()
    {
        UseHoursOfTheirOwn();
        Uri[] urls = [origin.Page("one"), origin.Status(404), origin.Page("two words"), origin.Status(404), origin.Page("three")];
        var accepted = await App.PostJobsAsync(JsonSerializer.Serialize(new { urls }));
        var other = await App.PostJobsAsync($$"""{"url": "{{origin.Status(404)}}"}""");
        await App.Host.DrainAsync();
        var requestId = accepted.Text("requestId");

        var pages = await AllPagesAsync($"request={requestId}&limit=2");
        var failed = await AllPagesAsync($"request={requestId}&status=failed");

        Assert.Equal(3, pages.Count); // 2 + 2 + 1
        var jobs = pages.SelectMany(Jobs).ToArray();
        Assert.Equal(accepted.Body.GetProperty("jobs").EnumerateArray().Select(j => j.GetProperty("id").GetString()), jobs.Select(j => j.GetProperty("id").GetString()));
        Assert.Equal(["succeeded", "failed", "succeeded", "failed", "succeeded"], jobs.Select(j => j.GetProperty("status").GetString()));
        Assert.Equal([jobs[1].GetProperty("id").GetString(), jobs[3].GetProperty("id").GetString()], failed.SelectMany(Jobs).Select(j => j.GetProperty("id").GetString()));
        Assert.DoesNotContain(other.Text("id"), pages.SelectMany(Jobs).Select(j => j.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task ListByOrigin_KeepsOnlyThatOriginsJobs_AcrossPages()
    {
        UseHoursOfTheirOwn();
        var host = $"t{Guid.NewGuid():N}.example";
        string[] ours = [$"http://{host}/1", $"https://{host.ToUpperInvariant()}/2", $"http://{host}:8080/3"];
        await App.PostJobsAsync(JsonSerializer.Serialize(new { urls = new[] { ours[0], "http://elsewhere.example/1", ours[1] } }));
        App.Clock.Advance(TimeSpan.FromMilliseconds(1)); // ids carry the request's millisecond
        await App.PostJobsAsync(JsonSerializer.Serialize(new { urls = new[] { $"http://sub.{host}/4", ours[2] } }));

        var byHost = (await AllPagesAsync($"status=queued&origin={host}&limit=2")).SelectMany(Jobs).Select(j => j.GetProperty("url").GetString()!).ToArray();
        var byOrigin = (await AllPagesAsync($"status=queued&origin=https://{host}")).SelectMany(Jobs).Select(j => j.GetProperty("url").GetString()!).ToArray();
        var byPort = (await AllPagesAsync($"status=queued&origin={host}:8080")).SelectMany(Jobs).Select(j => j.GetProperty("url").GetString()!).ToArray();

        Assert.Equal([new Uri(ours[2]).AbsoluteUri, new Uri(ours[0]).AbsoluteUri, new Uri(ours[1]).AbsoluteUri], byHost); // newest request first
        Assert.Equal([new Uri(ours[1]).AbsoluteUri], byOrigin);
        Assert.Equal([new Uri(ours[2]).AbsoluteUri], byPort);
    }

    [Theory]
    [InlineData("request=xyz", "?request=")]
    [InlineData("request=0123456789abcdef0123456789AB", "?request=")]
    [InlineData("status=failed&origin=http://a.example/path", "?origin=")]
    [InlineData("status=failed&origin=ftp://a.example", "?origin=")]
    [InlineData("origin=a.example", "?status=")]
    public async Task BadSearch_Answers400_NamingTheParameter(string query, string named)
    {
        UseHoursOfTheirOwn();
        var response = await ListAsync(query);

        Assert.Equal(400, response.Status);
        Assert.Equal("application/problem+json", response.ContentType);
        Assert.Contains(named, response.Text("detail"));
    }

    [Fact]
    public async Task ContinuationOfAnotherRequest_Answers400()
    {
        UseHoursOfTheirOwn();
        var first = await App.PostJobsAsync(JsonSerializer.Serialize(new { urls = new[] { origin.Page("a"), origin.Page("b") } }));
        var second = await App.PostJobsAsync($$"""{"url": "{{origin.Page("c")}}"}""");
        var page = await ListAsync($"request={first.Text("requestId")}&limit=1");

        var response = await ListAsync($"request={second.Text("requestId")}&continuation={page.Text("continuation")}");

        Assert.Equal(400, response.Status);
        Assert.Contains("continuation", response.Text("detail"));
    }

    private static IEnumerable<JsonElement> Jobs(ApiResponse page) => page.Body.GetProperty("jobs").EnumerateArray();

    private async Task<List<ApiResponse>> AllPagesAsync(string query)
    {
        var pages = new List<ApiResponse>();
        for (var next = ""; ;)
        {
            var page = await ListAsync(query + next);
            Assert.Equal(200, page.Status);
            pages.Add(page);
            if (!page.Body.TryGetProperty("continuation", out var token))
            {
                return [.. pages.Where(p => Jobs(p).Any())];
            }

            next = $"&continuation={token.GetString()}";
        }
    }

    private Task<ApiResponse> ListAsync(string query) => App.ExecuteAsync(App.Api.ListJobs(TallyApp.Request("GET", query: "?" + query), default));

    /// <summary>Sets the clock to hours of the test's own, far from the present: the jobs it leaves (failed ones too) are in no other test's listing.</summary>
    private DateTimeOffset UseHoursOfTheirOwn()
    {
        App.Clock.SetUtcNow(new DateTimeOffset(2400, 1, 1, 0, 0, 0, TimeSpan.Zero).AddHours(Random.Shared.Next(500_000)));
        return App.Clock.GetUtcNow();
    }
}
