using Tally.Jobs;
using Tally.Tests.Infrastructure;

namespace Tally.Tests.Jobs;

/// <summary>How long a job is seen: from its request's commit until it expires, then the purge removes the record and the commit.</summary>
[Collection(StorageCollection.Name)]
public sealed class JobExpiryTests(Azurite azurite, Origin origin) : AppTests(azurite)
{
    [Fact]
    public async Task QueuedJobs_AreSeenAndRunAnHourAfterTheirRequest_AsTheirRequestsCommitSays()
    {
        App.Clock.SetUtcNow(new DateTimeOffset(2400, 1, 1, 0, 0, 0, TimeSpan.Zero).AddHours(Random.Shared.Next(500_000))); // hours no other test lists
        var group = (await App.PostJobsAsync($$"""{"urls": ["{{origin.Page("one")}}", "{{origin.Page("two words")}}"]}""")).Body.GetProperty("jobs").EnumerateArray().Select(j => j.GetProperty("id").GetString()!).ToArray();
        App.Clock.Advance(TimeSpan.FromMilliseconds(1)); // a newer request: listed first
        var single = (await App.PostJobsAsync($$"""{"url": "{{origin.Page("three words here")}}"}""")).Text("id");
        string[] ids = [single, .. group];

        App.Clock.Advance(TimeSpan.FromHours(1)); // long past a record's own provisional ten minutes: only the commit keeps it
        var read = await Task.WhenAll(ids.Select(App.GetJobAsync));
        var listed = await App.ExecuteAsync(App.Api.ListJobs(TallyApp.Request("GET", query: "?status=queued"), default));
        var counted = (await App.Get<JobOverviewService>().ReadAsync(default)).Jobs["queued"];
        await App.Host.DrainAsync();
        var ran = await Task.WhenAll(ids.Select(App.GetJobAsync));

        Assert.All(read, job => Assert.Equal("queued", job.Text("status")));
        Assert.Equal(ids, listed.Body.GetProperty("jobs").EnumerateArray().Select(j => j.GetProperty("id").GetString()));
        Assert.Equal(new StatusCount(3, Capped: false), counted);
        Assert.Equal([3L, 1L, 2L], ran.Select(job => job.Body.GetProperty("words").GetInt64()));
    }

    [Fact]
    public async Task AJobThatNeverRan_ExpiresWithItsRequestsCommit_AndThePurgeRemovesBoth()
    {
        var url = origin.Page("never run");
        var id = (await App.PostJobsAsync($$"""{"url": "{{url}}"}""")).Text("id");

        App.Clock.Advance(App.ResultTtl + TimeSpan.FromMinutes(1));
        var read = await App.GetJobAsync(id);
        App.Clock.Advance(TimeSpan.FromHours(1)); // the purge reads whole hours older than the TTL
        await App.Get<JobPurger>().PurgeExpiredAsync(default);
        var request = JobIds.Split(id).PartitionKey;
        var left = await App.Table.QueryAsync<Azure.Data.Tables.TableEntity>(e => e.PartitionKey == request).ToListAsync();
        await App.Host.DrainAsync(); // its message finds nothing to run

        Assert.Equal(404, read.Status);
        Assert.Empty(left); // neither the record nor its request's commit
        Assert.Equal(0, origin.Hits(url));
    }

    [Fact]
    public async Task ARequestsCommit_OutlivesItsOwnExpiry_WhileARecordThatNeedsItIsLeft()
    {
        var url = origin.Page("claimed before the commit landed");
        var id = (await App.PostJobsAsync($$"""{"url": "{{url}}"}""")).Text("id");
        var (partition, row) = JobIds.Split(id);
        var finishedLate = App.Clock.GetUtcNow() + App.ResultTtl + TimeSpan.FromHours(3);
        var record = (await App.Table.GetEntityAsync<JobEntity>(partition, row)).Value;
        record.Status = "succeeded"; // as a worker that claimed it before its request's commit landed saves it: undispatched
        record.ExpiresAt = finishedLate;
        await App.Table.UpdateEntityAsync(record, record.ETag, Azure.Data.Tables.TableUpdateMode.Replace);

        App.Clock.Advance(App.ResultTtl + TimeSpan.FromHours(2)); // the commit has expired; the record has not
        await App.Get<JobPurger>().PurgeExpiredAsync(default);
        var kept = await App.GetJobAsync(id);
        App.Clock.SetUtcNow(finishedLate + TimeSpan.FromHours(2));
        await App.Get<JobPurger>().PurgeExpiredAsync(default);
        var left = await App.Table.QueryAsync<Azure.Data.Tables.TableEntity>(e => e.PartitionKey == partition).ToListAsync();
        await App.Host.DrainAsync();

        Assert.Equal("succeeded", kept.Text("status")); // still visible: its commit stayed
        Assert.Empty(left);                              // then both went with it
    }

    [Fact]
    public async Task ExpiredJob_ReadsNotFound_AndIsPurged()
    {
        var id = (await App.PostJobsAsync($$"""{"url": "{{origin.Page("short lived")}}"}""")).Text("id");
        await App.Host.DrainAsync();

        App.Clock.Advance(App.ResultTtl + TimeSpan.FromMinutes(1));
        var read = await App.GetJobAsync(id); // unseen the moment it expires
        App.Clock.Advance(TimeSpan.FromHours(1)); // the purge reads whole hours older than the TTL
        await App.Get<JobPurger>().PurgeExpiredAsync(default);

        Assert.Equal(404, read.Status);
        Assert.Equal("application/problem+json", read.ContentType);
        Assert.Null(await App.Records.FindAsync(id, default));
    }

    [Fact]
    public async Task Purge_KeepsJobsThatHaveNotExpired()
    {
        var id = (await App.PostJobsAsync($$"""{"url": "{{origin.Page("still fresh")}}"}""")).Text("id");
        await App.Host.DrainAsync();

        await App.Get<JobPurger>().PurgeExpiredAsync(default);

        Assert.Equal("succeeded", (await App.GetJobAsync(id)).Text("status"));
    }
}
