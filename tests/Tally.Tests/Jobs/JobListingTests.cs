using Azure.Data.Tables;
using Tally.Jobs;
using Tally.Tests.Infrastructure;

namespace Tally.Tests.Jobs;

/// <summary>Listings and the purge read the index, and only what they return; the record stays the truth.</summary>
[Collection(StorageCollection.Name)]
public sealed class JobListingTests(Azurite azurite, Origin origin) : AppTests(azurite)
{
    [Fact]
    public async Task FailedJobs_AmongTenThousand_AreListedNewestFirst_ReadingOnlyWhatIsReturned()
    {
        var failed = new List<string>();
        for (var i = 0; i < 60; i++)
        {
            App.Clock.Advance(TimeSpan.FromMilliseconds(1)); // ids carry the request's millisecond
            failed.Add((await App.PostJobsAsync($$"""{"url": "{{origin.Status(404)}}"}""")).Text("id"));
        }

        await App.Host.DrainAsync();
        for (var request = 0; request < 10; request++)
        {
            var urls = Enumerable.Range(0, 1000).Select(i => $"\"{origin.BaseAddress}queued/{request}/{i}\"");
            Assert.Equal(202, (await App.PostJobsAsync($$"""{"urls": [{{string.Join(",", urls)}}]}""")).Status);
        }

        App.Faults.Reset();
        var first = await ListAsync("status=failed&limit=50");
        var calls = App.Faults.Calls;
        var log = App.Faults.Log.ToArray();
        var second = await ListAsync($"status=failed&limit=50&continuation={first.Text("continuation")}");

        var listed = first.Body.GetProperty("jobs").EnumerateArray().Concat(second.Body.GetProperty("jobs").EnumerateArray()).Select(j => j.GetProperty("id").GetString()).ToList();
        Assert.Equal(Enumerable.Reverse(failed), listed); // all 60, newest first, across two pages
        Assert.InRange(calls, 50, 50 + 3);           // the index query, then exactly the 50 records it returns
        Assert.All(log, line => Assert.True(
            line.Contains("/TallyJobs(PartitionKey=") || (line.Contains("/TallyJobIndex()") && line.Contains("PartitionKey eq")),
            $"not a point read or a one-partition index query: {line}"));
    }

    [Fact]
    public async Task StaleIndexRow_IsSkipped_AndRepaired()
    {
        var id = (await App.PostJobsAsync($$"""{"url": "{{origin.Page("two words")}}"}""")).Text("id");
        await App.Host.DrainAsync();
        var index = App.Get<TableServiceClient>().GetTableClient(JobIndex.TableName);
        var row = (await index.QueryAsync<TableEntity>(e => e.RowKey == $"succeeded-{id}").ToListAsync()).Single();

        // As if a crash came between the record's write and its row's move: the row says failed.
        await index.DeleteEntityAsync(row.PartitionKey, row.RowKey);
        await index.AddEntityAsync(new TableEntity(row.PartitionKey, $"failed-{id}"));
        var failed = await ListAsync("status=failed");
        var succeeded = await ListAsync("status=succeeded");

        Assert.DoesNotContain(failed.Body.GetProperty("jobs").EnumerateArray(), j => j.GetProperty("id").GetString() == id);
        Assert.Contains(succeeded.Body.GetProperty("jobs").EnumerateArray(), j => j.GetProperty("id").GetString() == id);
        Assert.Null(await index.GetEntityIfExistsAsync<TableEntity>(row.PartitionKey, $"failed-{id}") is { HasValue: true } stale ? stale.Value : null);
    }

    [Fact]
    public async Task Purge_ReadsOnlyTheRowsOfRequestsOlderThanTheTtl()
    {
        var old = (await App.PostJobsAsync($$"""{"url": "{{origin.Page("old")}}"}""")).Text("id");
        await App.Host.DrainAsync();
        App.Clock.Advance(App.ResultTtl + TimeSpan.FromHours(2));
        var recent = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            recent.Add((await App.PostJobsAsync($$"""{"url": "{{origin.Page("recent")}}"}""")).Text("id"));
        }

        await App.Host.DrainAsync();
        App.Faults.Reset();
        var deleted = await App.Get<JobPurger>().PurgeExpiredAsync(default);
        var log = App.Faults.Log.ToArray();

        Assert.True(deleted >= 1);
        Assert.Null(await App.Store.FindAsync(old, default));
        Assert.All(recent, id => Assert.NotNull(App.Store.FindAsync(id, default).Result));
        Assert.DoesNotContain(log, line => recent.Any(id => line.Contains(id))); // not one read of a recent job
        Assert.Contains(log, line => line.Contains("/TallyJobIndex()") && line.Contains("PartitionKey gt"));
    }

    [Theory]
    [InlineData("not-a-token")]
    [InlineData("Zm9vL2Jhcg")] // base64 of "foo/bar"
    public async Task BadContinuation_Answers400(string token)
    {
        var response = await ListAsync($"status=failed&continuation={token}");

        Assert.Equal(400, response.Status);
        Assert.Equal("application/problem+json", response.ContentType);
        Assert.Contains("continuation", response.Text("detail"));
    }

    private Task<ApiResponse> ListAsync(string query) => App.ExecuteAsync(App.Api.ListJobs(TallyApp.Request("GET", query: "?" + query), default));
}
