using Tally.Jobs;
using Tally.Tests.Infrastructure;

namespace Tally.Tests.Jobs;

/// <summary>
/// Storage failing, losing the answer to a call that landed, or the caller canceling, at each storage call in turn of
/// an enqueue, a run and a cancel-then-retry: whatever fails, no job is lost, none is half-made or left waiting, and
/// none is counted twice.
/// </summary>
[Collection(StorageCollection.Name)]
public sealed class JobFaultTests(Azurite azurite, Origin origin) : AppTests(azurite)
{
    [Theory]
    [InlineData(StorageFault.Fail)]
    [InlineData(StorageFault.LoseAnswer)] // the write lands; the app cannot know it did
    public async Task Enqueue_FailingAtEachStorageCall_CreatesAllTheJobsOrNoneThatCanBeSeen(StorageFault fault)
    {
        var calls = await CallsOfAnEnqueueAsync();
        for (var k = 1; k <= calls; k++)
        {
            Uri[] urls = [origin.Page("one"), origin.Page("two words"), origin.Page("three more words")];
            var before = await App.RecordCountsAsync();
            App.Faults.At(k, fault);

            var response = await App.PostJobsAsync(Body(urls));
            App.Faults.Reset();
            await App.Host.DrainAsync(); // messages sent before the failure must find nothing to run

            Assert.True(503 == response.Status, $"call {k} of {calls}: {response}");
            Assert.Equal(before, await App.RecordCountsAsync());
            Assert.All(urls, url => Assert.Equal(0, origin.Hits(url)));
        }
    }

    [Fact]
    public async Task Enqueue_WhoseCommitLandedUnseen_AndWhoseRollbackCannotDeleteTheRecords_LeavesNoneVisible()
    {
        var calls = await CallsOfAnEnqueueAsync();
        Uri[] urls = [origin.Page("one"), origin.Page("two words"), origin.Page("three more words")];
        var before = await App.RecordCountsAsync();
        App.Faults.LoseAnswerAt(calls); // the commit, the last call, lands unseen
        var transactions = 0;
        App.Faults.FailWhen = request => request.Uri.Path.EndsWith("/$batch", StringComparison.Ordinal) && Interlocked.Increment(ref transactions) == 2; // the rollback's deletes

        var response = await App.PostJobsAsync(Body(urls));
        App.Faults.FailWhen = null;
        var after = await App.RecordCountsAsync();
        await App.Host.DrainAsync(); // the messages run the records left behind, which stay unseen

        Assert.Equal(503, response.Status);
        Assert.Equal((before.Visible, before.All + 3), after); // the commit was taken back first: three records left, none visible
        Assert.Equal(after, await App.RecordCountsAsync());
    }

    [Fact]
    public async Task Enqueue_CanceledAtEachStorageCall_CreatesNoJobThatCanBeSeen()
    {
        var calls = await CallsOfAnEnqueueAsync();
        for (var k = 1; k <= calls; k++)
        {
            Uri[] urls = [origin.Page("one"), origin.Page("two words"), origin.Page("three more words")];
            var before = await App.RecordCountsAsync();
            using var caller = new CancellationTokenSource();
            App.Faults.CancelAt(k, caller);

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => App.Get<JobService>().EnqueueAsync(urls, null, null, null, caller.Token));
            App.Faults.Reset();
            await App.Host.DrainAsync();

            Assert.True(before == await App.RecordCountsAsync(), $"call {k} of {calls}");
            Assert.All(urls, url => Assert.Equal(0, origin.Hits(url)));
        }
    }

    [Theory]
    [InlineData(StorageFault.Fail)]
    [InlineData(StorageFault.LoseAnswer)]
    public async Task Run_FailingAtEachStorageCall_EndsSucceeded_WithOneResult(StorageFault fault)
    {
        var calls = await CallsOfARunAsync();
        for (var k = 1; k <= calls; k++)
        {
            var url = origin.Page("exactly four words here");
            var id = (await App.PostJobsAsync(Body([url]))).Text("id");
            App.Faults.At(k, fault);

            await App.Host.DrainAsync(); // the failed delivery throws; the host delivers the message again
            App.Faults.Reset();
            var job = await App.GetJobAsync(id);

            var listed = await App.ExecuteAsync(App.Api.ListJobs(TallyApp.Request("GET", query: "?status=succeeded"), default));

            Assert.True("succeeded" == job.Text("status"), $"call {k} of {calls}: {job}");
            Assert.Equal(4, job.Body.GetProperty("words").GetInt64());
            Assert.InRange(origin.Hits(url), 1, 2); // a failure after the fetch and before the result costs one refetch, never a lost job
            Assert.Contains(id, listed.Body.GetProperty("jobs").EnumerateArray().Select(j => j.GetProperty("id").GetString())); // its row was written before its record
        }
    }

    [Theory]
    [InlineData(StorageFault.Fail)]
    [InlineData(StorageFault.LoseAnswer)]
    public async Task CancelThenRetry_FailingAtEachStorageCall_NeverLeavesAJobWaiting(StorageFault fault)
    {
        var calls = await CallsOfACancelAndRetryAsync();
        for (var k = 1; k <= calls; k++)
        {
            var url = origin.Page("two words");
            var id = (await App.PostJobsAsync(Body([url]))).Text("id");
            App.Faults.At(k, fault);

            var canceled = await App.ExecuteAsync(App.Api.CancelJob(TallyApp.Request("DELETE"), id, default));
            var retried = await App.ExecuteAsync(App.Api.RetryJob(TallyApp.Request("POST"), id, default));
            App.Faults.Reset();
            await App.Host.DrainAsync();
            var job = await App.GetJobAsync(id);

            Assert.Contains(canceled.Status, new[] { 200, 503 });
            Assert.Contains(retried.Status, new[] { 202, 409, 503 });
            var listed = await App.ExecuteAsync(App.Api.ListJobs(TallyApp.Request("GET", query: $"?status={job.Text("status")}"), default));

            Assert.True(JobStatusNames.TryParse(job.Text("status"), out var status) && status.IsFinal(), $"call {k} of {calls}: {job}");
            Assert.Equal(status == JobStatus.Succeeded ? 1 : 0, origin.Hits(url)); // run once, or not at all; never twice
            Assert.Contains(id, listed.Body.GetProperty("jobs").EnumerateArray().Select(j => j.GetProperty("id").GetString()));
        }
    }

    /// <summary>How many storage calls a three-URL enqueue makes: one index row (its request's), one insert transaction, one message (its three jobs), one commit transaction.</summary>
    private async Task<int> CallsOfAnEnqueueAsync()
    {
        await App.PostJobsAsync(Body([origin.Page("warm up")])); // the table and queue exist from here on
        await App.Host.DrainAsync();
        App.Faults.Reset();
        await App.PostJobsAsync(Body([origin.Page("a"), origin.Page("b"), origin.Page("c")]));
        var calls = App.Faults.Calls;
        await App.Host.DrainAsync();
        Assert.Equal(4, calls);
        return calls;
    }

    /// <summary>How many storage calls a one-job run makes: the job's read and its request's commit, then its running row and its claim, then its succeeded row and its result.</summary>
    private async Task<int> CallsOfARunAsync()
    {
        await App.PostJobsAsync(Body([origin.Page("warm up")]));
        App.Faults.Reset();
        await App.Host.DrainAsync();
        Assert.Equal(6, App.Faults.Calls);
        return App.Faults.Calls;
    }

    private async Task<int> CallsOfACancelAndRetryAsync()
    {
        var id = (await App.PostJobsAsync(Body([origin.Page("warm up")]))).Text("id");
        App.Faults.Reset();
        await App.ExecuteAsync(App.Api.CancelJob(TallyApp.Request("DELETE"), id, default));
        await App.ExecuteAsync(App.Api.RetryJob(TallyApp.Request("POST"), id, default));
        await App.Host.DrainAsync();
        return App.Faults.Calls;
    }

    private static string Body(IEnumerable<Uri> urls) => $$"""{"urls": [{{string.Join(", ", urls.Select(u => $"\"{u}\""))}}]}""";
}
