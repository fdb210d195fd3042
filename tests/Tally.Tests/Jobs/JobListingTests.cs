using Azure.Data.Tables;
using Tally.Jobs;
using Tally.Tests.Infrastructure;

namespace Tally.Tests.Jobs;

/// <summary>Listings and the purge read the index and then only what they return; the record stays the truth.</summary>
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
        Assert.Equal(1 + 50, calls);                      // the index query, then a query of each request's failed jobs: the 50 returned
        Assert.All(log, line => Assert.True(
            (line.Contains("/TallyJobs()") && line.Contains("Status eq 'failed'")) || line.Contains("/TallyJobIndex()"),
            $"not a query of failed jobs or of the index: {line}"));
        Assert.All(log, line => Assert.Contains("PartitionKey eq", line)); // each in one partition
    }

    [Fact]
    public async Task ARowWhoseJobsHaveAllMovedOn_IsSkipped_AndRemovedOnlyOnceItIsStale()
    {
        App.Clock.SetUtcNow(new DateTimeOffset(2300, 1, 1, 0, 0, 0, TimeSpan.Zero).AddHours(Random.Shared.Next(500_000))); // hours no other test lists
        var id = (await App.PostJobsAsync($$"""{"url": "{{origin.Page("two words")}}"}""")).Text("id");
        await App.Host.DrainAsync();
        var request = id[..JobIds.KeyLength];
        var index = App.Get<TableServiceClient>().GetTableClient(JobIndex.TableName);
        async Task<string[]> RowsAsync() => [.. (await index.QueryAsync<TableEntity>(e => e.PartitionKey == JobIndex.Partition(App.Clock.GetUtcNow())).ToListAsync())
            .Select(row => row.RowKey).Where(key => key.EndsWith(request, StringComparison.Ordinal)).Order(StringComparer.Ordinal)];
        Assert.Equal([$"queued-{request}", $"running-{request}", $"succeeded-{request}"], await RowsAsync()); // each status the job entered

        // Young rows stay (a record may be on its way into their status); the job is listed only where its record is.
        Assert.Empty(Ids(await ListAsync("status=queued")));
        Assert.Equal([id], Ids(await ListAsync("status=succeeded")));
        Assert.Equal(3, (await RowsAsync()).Length);

        App.Clock.Advance(JobIndex.StaleAfter + TimeSpan.FromMinutes(1));
        Assert.Empty(Ids(await ListAsync("status=queued")));
        Assert.Empty(Ids(await ListAsync("status=running")));
        Assert.Equal([id], Ids(await ListAsync("status=succeeded")));

        Assert.Equal([$"succeeded-{request}"], await RowsAsync()); // stale ones removed; the one with a job in its status kept
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
        Assert.Null(await App.Records.FindAsync(old, default));
        Assert.All(recent, id => Assert.NotNull(App.Records.FindAsync(id, default).Result));
        Assert.DoesNotContain(log, line => recent.Any(id => line.Contains(id[..JobIds.KeyLength]))); // not one read of a recent request
        Assert.Contains(log, line => line.Contains("/TallyJobIndex()") && line.Contains("PartitionKey gt"));
        Assert.Contains(log, line => line.Contains("/TallyJobs()") && line.Contains($"PartitionKey eq '{old[..JobIds.KeyLength]}' and RowKey ne 'commit' and ExpiresAt le")); // only its expired records
        var rows = await App.Get<TableServiceClient>().GetTableClient(JobIndex.TableName).QueryAsync<TableEntity>(select: ["RowKey"]).ToListAsync();
        Assert.DoesNotContain(rows, row => row.RowKey.EndsWith(old[..JobIds.KeyLength], StringComparison.Ordinal)); // a request with no record left loses its rows
    }

    [Theory]
    [InlineData("not-a-token")]
    [InlineData("Zm9vL2Jhcg")] // base64 of "foo/bar"
    [InlineData("MDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDA")] // an id of 32 zeros: a request made after the year 9999
    public async Task BadContinuation_Answers400(string token)
    {
        var response = await ListAsync($"status=failed&continuation={token}");

        Assert.Equal(400, response.Status);
        Assert.Equal("application/problem+json", response.ContentType);
        Assert.Contains("continuation", response.Text("detail"));
    }

    private static string[] Ids(ApiResponse listing) => [.. listing.Body.GetProperty("jobs").EnumerateArray().Select(j => j.GetProperty("id").GetString()!)];

    private Task<ApiResponse> ListAsync(string query) => App.ExecuteAsync(App.Api.ListJobs(TallyApp.Request("GET", query: "?" + query), default));
}
