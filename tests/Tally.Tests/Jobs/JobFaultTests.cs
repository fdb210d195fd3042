using Tally.Jobs;
using Tally.Tests.Infrastructure;

namespace Tally.Tests.Jobs;

/// <summary>
/// Storage failing, or the caller canceling, at each storage call in turn of an enqueue, a run and a
/// cancel-then-retry: whatever fails, no job is lost, none is half-made, and none is counted twice.
/// </summary>
[Collection(StorageCollection.Name)]
public sealed class JobFaultTests(Azurite azurite, Origin origin) : IAsyncLifetime
{
    private readonly TallyApp _app = new(azurite);

    public Task InitializeAsync() => _app.ClearQueuesAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Enqueue_FailingAtEachStorageCall_CreatesAllTheJobsOrNoneThatCanBeSeen()
    {
        var calls = await CallsOfAnEnqueueAsync();
        for (var k = 1; k <= calls; k++)
        {
            Uri[] urls = [origin.Page("one"), origin.Page("two words"), origin.Page("three more words")];
            var before = await _app.RecordCountsAsync();
            _app.Faults.FailAt(k);

            var response = await _app.PostJobsAsync(Body(urls));
            _app.Faults.Reset();
            await _app.Host.DrainAsync(); // messages sent before the failure must find nothing to run

            Assert.True(503 == response.Status, $"call {k} of {calls}: {response}");
            Assert.Equal(before, await _app.RecordCountsAsync());
            Assert.All(urls, url => Assert.Equal(0, origin.Hits(url)));
        }
    }

    [Fact]
    public async Task Enqueue_CanceledAtEachStorageCall_CreatesNoJobThatCanBeSeen()
    {
        var calls = await CallsOfAnEnqueueAsync();
        for (var k = 1; k <= calls; k++)
        {
            Uri[] urls = [origin.Page("one"), origin.Page("two words"), origin.Page("three more words")];
            var before = await _app.RecordCountsAsync();
            using var caller = new CancellationTokenSource();
            _app.Faults.CancelAt(k, caller);

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _app.Get<JobService>().EnqueueAsync(urls, caller.Token));
            _app.Faults.Reset();
            await _app.Host.DrainAsync();

            Assert.True(before == await _app.RecordCountsAsync(), $"call {k} of {calls}");
            Assert.All(urls, url => Assert.Equal(0, origin.Hits(url)));
        }
    }

    [Fact]
    public async Task Run_FailingAtEachStorageCall_EndsSucceeded_WithOneResult()
    {
        var calls = await CallsOfARunAsync();
        for (var k = 1; k <= calls; k++)
        {
            var url = origin.Page("exactly four words here");
            var id = (await _app.PostJobsAsync(Body([url]))).Text("id");
            _app.Faults.FailAt(k);

            await _app.Host.DrainAsync(); // the failed delivery throws; the host delivers the message again
            _app.Faults.Reset();
            var job = await _app.GetJobAsync(id);

            Assert.True("succeeded" == job.Text("status"), $"call {k} of {calls}: {job}");
            Assert.Equal(4, job.Body.GetProperty("words").GetInt64());
            Assert.InRange(origin.Hits(url), 1, 2); // a failure after the fetch and before the result costs one refetch, never a lost job
        }
    }

    [Fact]
    public async Task CancelThenRetry_FailingAtEachStorageCall_NeverLeavesAJobWaiting()
    {
        var calls = await CallsOfACancelAndRetryAsync();
        for (var k = 1; k <= calls; k++)
        {
            var url = origin.Page("two words");
            var id = (await _app.PostJobsAsync(Body([url]))).Text("id");
            _app.Faults.FailAt(k);

            var canceled = await _app.ExecuteAsync(_app.Api.CancelJob(TallyApp.Request("DELETE"), id, default));
            var retried = await _app.ExecuteAsync(_app.Api.RetryJob(TallyApp.Request("POST"), id, default));
            _app.Faults.Reset();
            await _app.Host.DrainAsync();
            var job = await _app.GetJobAsync(id);

            Assert.Contains(canceled.Status, new[] { 200, 503 });
            Assert.Contains(retried.Status, new[] { 202, 409, 503 });
            Assert.True(JobStatusNames.TryParse(job.Text("status"), out var status) && status.IsFinal(), $"call {k} of {calls}: {job}");
            Assert.Equal(status == JobStatus.Succeeded ? 1 : 0, origin.Hits(url)); // run once, or not at all; never twice
        }
    }

    /// <summary>How many storage calls a three-URL enqueue makes: one index transaction, one insert transaction, one message (its three jobs), one commit transaction.</summary>
    private async Task<int> CallsOfAnEnqueueAsync()
    {
        await _app.PostJobsAsync(Body([origin.Page("warm up")])); // the table and queue exist from here on
        await _app.Host.DrainAsync();
        _app.Faults.Reset();
        await _app.PostJobsAsync(Body([origin.Page("a"), origin.Page("b"), origin.Page("c")]));
        var calls = _app.Faults.Calls;
        await _app.Host.DrainAsync();
        Assert.Equal(4, calls);
        return calls;
    }

    private async Task<int> CallsOfARunAsync()
    {
        await _app.PostJobsAsync(Body([origin.Page("warm up")]));
        _app.Faults.Reset();
        await _app.Host.DrainAsync();
        return _app.Faults.Calls;
    }

    private async Task<int> CallsOfACancelAndRetryAsync()
    {
        var id = (await _app.PostJobsAsync(Body([origin.Page("warm up")]))).Text("id");
        _app.Faults.Reset();
        await _app.ExecuteAsync(_app.Api.CancelJob(TallyApp.Request("DELETE"), id, default));
        await _app.ExecuteAsync(_app.Api.RetryJob(TallyApp.Request("POST"), id, default));
        await _app.Host.DrainAsync();
        return _app.Faults.Calls;
    }

    private static string Body(IEnumerable<Uri> urls) => $$"""{"urls": [{{string.Join(", ", urls.Select(u => $"\"{u}\""))}}]}""";
}
