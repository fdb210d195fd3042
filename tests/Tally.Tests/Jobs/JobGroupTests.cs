using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Azure.Storage.Queues;
using Tally.Jobs;
using Tally.Tests.Infrastructure;

namespace Tally.Tests.Jobs;

/// <summary>A request of many URLs sends several jobs to a message: fewer sends, and each job still runs, retries and gives up on its own.</summary>
[Collection(StorageCollection.Name)]
public sealed class JobGroupTests(Azurite azurite, Origin origin) : AppTests(azurite)
{
    [Fact]
    public async Task TwoHundredAndSixUrls_AreSentAsThreeMessages_ThatNameEveryJobOnce()
    {
        var ids = await EnqueueAsync([.. Enumerable.Range(0, 206).Select(_ => origin.Page("w"))]);

        var raw = new QueueServiceClient(Azurite.ConnectionString).GetQueueClient(JobStorage.QueueName);
        var messages = (await raw.PeekMessagesAsync(32)).Value.Select(m => Encoding.UTF8.GetString(Convert.FromBase64String(m.MessageText))).ToArray();
        var named = messages.Select(text => JsonDocument.Parse(text).RootElement.GetProperty("jobs").EnumerateArray()
            .Select(job => (job.GetProperty("jobId").GetString(), job.GetProperty("run").GetInt32())).ToArray()).ToArray();

        Assert.Equal([100, 100, 6], named.Select(m => m.Length).Order().Reverse());
        Assert.Equal(ids.Order(), named.SelectMany(m => m).Select(j => j.Item1).Order());
        Assert.All(named.SelectMany(m => m), job => Assert.Equal(1, job.Item2));
    }

    [Fact]
    public async Task AThousandUrls_AreTwentyTwoStorageCalls_TenOfThemSends()
    {
        await EnqueueAsync([origin.Page("warm"), origin.Page("up")]); // the tables and the queue exist from here on
        App.Faults.Reset();
        var ids = await EnqueueAsync([.. Enumerable.Range(0, 1000).Select(i => new Uri(origin.BaseAddress, $"thousand/{i}"))]);
        var log = App.Faults.Log.ToArray();

        Assert.Equal(1000, ids.Distinct().Count());
        Assert.Equal(1, log.Count(line => line.StartsWith("PUT ", StringComparison.Ordinal) && line.Contains($"/{JobIndex.TableName}(", StringComparison.Ordinal))); // the request's one index row
        Assert.Equal(10, log.Count(line => line.EndsWith("/$batch", StringComparison.Ordinal))); // the records, 100 a transaction
        Assert.Equal(10, log.Count(line => line.StartsWith($"POST /devstoreaccount1/{JobStorage.QueueName}/messages", StringComparison.Ordinal))); // 100 jobs each
        Assert.Equal(1, log.Count(line => line.StartsWith("PUT ", StringComparison.Ordinal) && line.Contains($"/{JobStorage.TableName}(", StringComparison.Ordinal) && line.Contains("RowKey='commit'"))); // the request's commit
        Assert.Equal(1 + 10 + 10 + 1, log.Length);
    }

    [Fact]
    public async Task EachMessagesJobs_AreReadWithOneRangeQuery_OfJustThoseRows()
    {
        await EnqueueAsync([.. Enumerable.Range(0, 206).Select(i => new Uri(origin.BaseAddress, $"range/{i}"))]);
        App.Faults.Reset();
        await App.Host.DrainAsync();

        var ranges = App.Faults.Log.Where(line => line.StartsWith("GET ", StringComparison.Ordinal) && line.Contains("/TallyJobs()", StringComparison.Ordinal))
            .Select(line => Regex.Match(line, @"\(RowKey ge '(\w+)' and RowKey le '(\w+)'\)"))
            .Select(match => (match.Groups[1].Value, match.Groups[2].Value));
        Assert.Equal([("0000", "0063"), ("0064", "00c7"), ("00c8", "00cd")], ranges.Order()); // jobs 0-99, 100-199 and 200-205, in hex
    }

    [Fact]
    public async Task AMessageOfJobsThatAreNotConsecutive_ReadsEachByItsKey_AndRunsOnlyThose()
    {
        Uri[] urls = [origin.Page("one"), origin.Page("two words"), origin.Page("three words here")];
        var ids = await EnqueueAsync(urls);
        await App.ClearQueuesAsync(); // the request's own message is gone; this one names the first and the last job only
        await App.Queues.GetQueueClient(JobStorage.QueueName).SendMessageAsync(JobMessage.ToJson([new JobMessage(ids[0], 1), new JobMessage(ids[2], 1)]));
        App.Faults.Reset();

        await App.Host.DrainAsync();
        var jobs = await Task.WhenAll(ids.Select(App.GetJobAsync));

        Assert.Equal(["succeeded", "queued", "succeeded"], jobs.Select(job => job.Text("status")));
        Assert.Equal([1, 0, 1], urls.Select(origin.Hits));
        Assert.Contains(App.Faults.Log, line => line.Contains("/TallyJobs()", StringComparison.Ordinal) && line.Contains("(RowKey eq '0000' or RowKey eq '0002')", StringComparison.Ordinal));
    }

    [Fact]
    public async Task OneJobFailingTransiently_RedeliversItsMessage_AndOnlyThatJobIsFetchedAgain()
    {
        Uri[] urls = [origin.Page("one"), origin.Flaky(failures: 1, status: 503, body: "two words"), origin.Page("three words here")];
        var ids = await EnqueueAsync(urls);

        var deliveries = await App.Host.DrainAsync();
        var jobs = await Task.WhenAll(ids.Select(App.GetJobAsync));

        Assert.Equal(2, deliveries); // one message, delivered twice
        Assert.All(jobs, job => Assert.Equal("succeeded", job.Text("status")));
        Assert.Equal([1L, 2L, 3L], jobs.Select(j => j.Body.GetProperty("words").GetInt64()));
        Assert.Equal([1, 2, 1], jobs.Select(j => j.Body.GetProperty("attempts").GetInt32()));
        Assert.Equal([1, 2, 1], urls.Select(origin.Hits));
    }

    [Fact]
    public async Task APoisonedMessage_FailsOnlyItsUnfinishedJobs()
    {
        Uri[] urls = [origin.Page("fine page"), origin.Status(503)];
        var ids = await EnqueueAsync(urls);

        await App.Host.DrainAsync();
        var fine = await App.GetJobAsync(ids[0]);
        var poisoned = await App.GetJobAsync(ids[1]);

        Assert.Equal(("succeeded", 1), (fine.Text("status"), fine.Body.GetProperty("attempts").GetInt32()));
        Assert.Equal("failed", poisoned.Text("status"));
        Assert.Equal(App.Host.Settings.MaxDequeueCount, poisoned.Body.GetProperty("attempts").GetInt32());
        Assert.Contains("503", poisoned.Text("error"));
        Assert.Equal(1, origin.Hits(urls[0]));
        Assert.Equal(0, await App.MessageCountAsync(JobStorage.PoisonQueueName));
    }

    [Fact]
    public async Task AGroupRun_FailingAtEachStorageCall_EndsWithEveryJobSucceeded_Once()
    {
        // The calls of one group run: the claim's query, its request's commit, then its request's running row and its
        // transaction; then the results' writes, each a row and a transaction: one write for all three jobs, or up to one each.
        await EnqueueAsync([origin.Page("warm"), origin.Page("up")]);
        await App.Host.DrainAsync();
        await EnqueueAsync([origin.Page("a"), origin.Page("b"), origin.Page("c")]);
        App.Faults.Reset();
        await App.Host.DrainAsync();
        var measured = App.Faults.Calls;
        const int calls = 4 + (3 * 2); // the most a run can make: every k up to it is failed in turn

        for (var k = 1; k <= calls; k++)
        {
            Uri[] urls = [origin.Page("one"), origin.Page("two words"), origin.Page("three words here")];
            var ids = await EnqueueAsync(urls);
            App.Faults.FailAt(k);

            await App.Host.DrainAsync(); // the failed delivery throws; the host delivers the message again
            App.Faults.Reset();
            var jobs = await Task.WhenAll(ids.Select(App.GetJobAsync));

            Assert.All(jobs, job => Assert.True("succeeded" == job.Text("status"), $"call {k} of {calls}: {job}"));
            Assert.Equal([1L, 2L, 3L], jobs.Select(j => j.Body.GetProperty("words").GetInt64()));
            Assert.All(urls, url => Assert.InRange(origin.Hits(url), 1, 2)); // a failure between a fetch and its result costs one refetch, never a lost job
        }

        Assert.InRange(measured, 4 + 2, calls);
    }

    [Fact]
    public async Task ACancelRacingAGroupClaim_WinsOrLoses_AndNoJobRunsTwice()
    {
        for (var round = 0; round < 10; round++)
        {
            Uri[] urls = [origin.Page("one"), origin.Page("two words"), origin.Page("three words here")];
            var ids = await EnqueueAsync(urls);

            var drained = App.Host.DrainAsync();
            var canceled = await App.ExecuteAsync(App.Api.CancelJob(TallyApp.Request("DELETE"), ids[1], default));
            await drained;
            var middle = await App.GetJobAsync(ids[1]);

            Assert.Equal(canceled.Status == 200 ? "canceled" : "succeeded", middle.Text("status"));
            Assert.Equal(canceled.Status == 200 ? 0 : 1, origin.Hits(urls[1]));
            Assert.Equal(1, origin.Hits(urls[0]));
            Assert.Equal(1, origin.Hits(urls[2]));
        }
    }

    [Fact]
    public async Task AGroupMessageDeliveredTwiceAtOnce_RunsEachJobOnce()
    {
        Uri[] urls = [origin.Page("one"), origin.Page("two words")];
        var ids = await EnqueueAsync(urls);
        var queue = App.Queues.GetQueueClient(JobStorage.QueueName);
        await queue.SendMessageAsync(JobMessage.ToJson([.. ids.Select(id => new JobMessage(id, 1))])); // the same group again, as a repeated send would make it

        await App.Host.DrainAsync(); // both messages run at once
        var jobs = await Task.WhenAll(ids.Select(App.GetJobAsync));

        Assert.All(jobs, job => Assert.Equal("succeeded", job.Text("status")));
        Assert.All(urls, url => Assert.Equal(1, origin.Hits(url)));
    }

    [Fact]
    public async Task AResultWaitingForItsMessagesOtherJobs_IsWrittenWithoutThem_WhenOneIsSlow()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Uri[] urls = [origin.Page("one"), origin.Serve(async context =>
        {
            await release.Task;
            await Origin.Write(context, "two words", "text/plain");
        }), origin.Page("three words here")];
        var ids = await EnqueueAsync(urls);

        var drained = App.Host.DrainAsync();
        try
        {
            // the slow job holds its message; its siblings' results are saved (and shown) while it is still running
            var first = await Eventually.GetAsync(() => App.GetJobAsync(ids[0]), job => job.Text("status") == "succeeded", what: "the first job's result");
            var third = await Eventually.GetAsync(() => App.GetJobAsync(ids[2]), job => job.Text("status") == "succeeded", what: "the third job's result");
            Assert.Equal("running", (await App.GetJobAsync(ids[1])).Text("status"));
            Assert.Equal([1L, 3L], [first.Body.GetProperty("words").GetInt64(), third.Body.GetProperty("words").GetInt64()]);
        }
        finally
        {
            release.TrySetResult();
        }

        await drained;
        var slow = await App.GetJobAsync(ids[1]);
        Assert.Equal(("succeeded", 2L), (slow.Text("status"), slow.Body.GetProperty("words").GetInt64()));
        Assert.All(urls, url => Assert.Equal(1, origin.Hits(url)));
    }

    private async Task<string[]> EnqueueAsync(Uri[] urls)
    {
        var response = await App.PostJobsAsync(JsonSerializer.Serialize(new { urls = urls.Select(u => u.AbsoluteUri) }));
        Assert.Equal(202, response.Status);
        return [.. response.Body.GetProperty("jobs").EnumerateArray().Select(j => j.GetProperty("id").GetString()!)];
    }
}
