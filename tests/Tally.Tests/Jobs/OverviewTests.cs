using Microsoft.Extensions.Logging.Abstractions;
using Tally.Jobs;
using Tally.Tests.Infrastructure;

namespace Tally.Tests.Jobs;

/// <summary>The dashboard's overview and its per-minute throughput: bounded reads, figures that add up across instances and survive a failed write.</summary>
[Collection(StorageCollection.Name)]
public sealed class OverviewTests(Azurite azurite, Origin origin) : AppTests(azurite)
{
    [Fact]
    public async Task Overview_CountsStopAtTheCap_ReadingTheIndexAndOnlyTheKeysOfJobsCounted()
    {
        for (var request = 0; request < 2; request++)
        {
            var urls = Enumerable.Range(0, 600).Select(i => $"\"{origin.BaseAddress}overview/{request}/{i}\"");
            Assert.Equal(202, (await App.PostJobsAsync($$"""{"urls": [{{string.Join(",", urls)}}]}""")).Status);
        }

        App.Faults.Reset();
        var overview = await App.Get<JobOverviewService>().ReadAsync(default);
        var log = App.Faults.Log.ToArray();

        Assert.Equal(new StatusCount(1000, Capped: true), overview.Jobs["queued"]);
        Assert.True(overview.Queue >= 1200 / JobQueue.JobsPerMessage, $"queue depth {overview.Queue}"); // messages, each starting up to JobsPerMessage jobs
        Assert.Equal(60, overview.LastHour.Count);
        var records = log.Where(line => line.Contains("/TallyJobs()", StringComparison.Ordinal)).ToArray();
        Assert.Equal(2, records.Length); // the queued jobs of each request: all 600 of one, then 401 of the other
        Assert.All(records, line => Assert.Contains("$select=RowKey,Dispatched,ExpiresAt", line)); // keys and visibility only
        Assert.Equal(2, log.Count(line => line.Contains("RowKey='commit'", StringComparison.Ordinal))); // each request's commit, once
        Assert.All(log.Where(line => line.Contains("/TallyJobIndex()", StringComparison.Ordinal)), line => Assert.Contains("PartitionKey eq", line));
        var hours = (int)(2 * App.Get<Microsoft.Extensions.Options.IOptions<JobsOptions>>().Value.ResultTtl.TotalHours) + 2;
        Assert.InRange(log.Length, 1, (5 * hours) + 4 + 8); // an index query per status and hour, the two record queries and commits, the queues, the minutes
    }

    [Fact]
    public async Task Throughput_AddsUpEveryInstance_AndAFailedWriteIsWrittenNextTime()
    {
        await using var other = new TallyApp(Azurite);
        var minute = new DateTimeOffset(2099, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(Random.Shared.Next(500_000)); // a minute no other test writes
        App.Clock.SetUtcNow(minute.AddSeconds(10));
        other.Clock.SetUtcNow(minute.AddSeconds(20));
        var mine = App.Get<JobThroughput>();
        var theirs = other.Get<JobThroughput>();
        mine.JobFinished("succeeded", words: 5, bytes: 50);
        mine.JobFinished("succeeded", words: 7, bytes: 70);
        theirs.JobFinished("failed");

        App.Faults.FailAt(1);
        await Assert.ThrowsAnyAsync<Azure.RequestFailedException>(() => mine.FlushAsync(default));
        await theirs.FlushAsync(default);
        var before = (await theirs.ReadAsync(1, default))[0];
        await mine.FlushAsync(default);
        var after = (await theirs.ReadAsync(1, default))[0];

        Assert.Equal(new MinuteTotals(minute, 0, 1, 0, 0), before);
        Assert.Equal(new MinuteTotals(minute, 2, 1, 12, 120), after);
    }

    [Fact]
    public async Task Writer_WritesOnItsInterval_AndOnceMoreWhenStopping()
    {
        var minute = new DateTimeOffset(2098, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(Random.Shared.Next(500_000));
        App.Clock.SetUtcNow(minute);
        var throughput = App.Get<JobThroughput>();
        var writer = new JobThroughputWriter(throughput, App.Clock, NullLogger<JobThroughputWriter>.Instance);
        await writer.StartAsync(default);

        throughput.JobFinished("succeeded", words: 3, bytes: 30);

        // The writer's loop starts on its own task, so its timer may start after any one step of the clock: step until it writes.
        var written = await Eventually.GetAsync(
            async () =>
            {
                App.Clock.Advance(JobThroughput.FlushInterval);
                return await throughput.ReadAsync(60, default);
            },
            m => m.Sum(x => x.Succeeded) == 1,
            what: "the interval's write");
        throughput.JobFinished("failed");
        await writer.StopAsync(default);
        var last = await throughput.ReadAsync(60, default);

        Assert.Equal(3, written.Sum(m => m.Words));
        Assert.Equal((1, 1, 3, 30), (last.Sum(m => m.Succeeded), last.Sum(m => m.Failed), last.Sum(m => m.Words), last.Sum(m => m.Bytes)));
    }

    [Fact]
    public async Task Purge_DeletesOnlyMinutesPastTheirRetention_ReadingOnlyThem()
    {
        var start = new DateTimeOffset(2097, 1, 1, 0, 0, 0, TimeSpan.Zero).AddDays(Random.Shared.Next(10_000));
        var throughput = App.Get<JobThroughput>();
        App.Clock.SetUtcNow(start);
        throughput.JobFinished("succeeded");
        await throughput.FlushAsync(default);
        App.Clock.Advance(JobThroughput.Retention + TimeSpan.FromMinutes(1));
        throughput.JobFinished("succeeded");
        await throughput.FlushAsync(default);

        App.Faults.Reset();
        var deleted = await throughput.PurgeAsync(default);
        var log = App.Faults.Log.ToArray();
        var kept = await throughput.ReadAsync(1, default);
        var window = await throughput.ReadAsync(122, default);

        Assert.True(deleted >= 1, $"deleted {deleted}");
        Assert.Equal(1, kept[0].Succeeded);
        Assert.Equal((start, 0L), (window[0].Minute, window[0].Succeeded));
        Assert.All(log.Where(line => line.StartsWith("GET", StringComparison.Ordinal)), line => Assert.Contains("PartitionKey lt", line));
    }
}
