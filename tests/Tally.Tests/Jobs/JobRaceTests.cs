using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Tally.Jobs;
using Tally.Tests.Infrastructure;

namespace Tally.Tests.Jobs;

/// <summary>
/// Races and crashes: stale and duplicate messages, cancel and retry against running workers, dead
/// workers, and the host's concurrency. A job runs once per run, and a result is recorded once.
/// </summary>
[Collection(StorageCollection.Name)]
public sealed class JobRaceTests(Azurite azurite, Origin origin) : AppTests(azurite)
{
    private readonly QueueClient _queue = new QueueServiceClient(azurite.ConnectionString, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 })
        .GetQueueClient(JobStorage.QueueName);

    [Fact]
    public async Task CancelThenRetry_RunsTheJobOnce_AndTheCanceledRunsMessageDoesNothing()
    {
        // Was: both messages fetched, status succeeded with attempts 2 and the words counted twice.
        var url = origin.Page("three little words");
        var id = await EnqueueAsync(url);

        await App.ExecuteAsync(App.Api.CancelJob(TallyApp.Request("DELETE"), id, default));
        var retried = await App.ExecuteAsync(App.Api.RetryJob(TallyApp.Request("POST"), id, default));
        var deliveries = await App.Host.DrainAsync();
        var job = await App.GetJobAsync(id);

        Assert.Equal(202, retried.Status);
        Assert.Equal(2, deliveries); // the run-1 message and the run-2 message
        Assert.Equal("succeeded", job.Text("status"));
        Assert.Equal(1, job.Body.GetProperty("attempts").GetInt32());
        Assert.Equal(1, origin.Hits(url));
    }

    [Fact]
    public async Task DuplicateMessages_DeliveredConcurrently_FetchThePageOnce()
    {
        var url = origin.Page("two words");
        var id = await EnqueueAsync(url);
        for (var i = 0; i < 7; i++)
        {
            await _queue.SendMessageAsync(new JobMessage(id, 1).ToJson()); // the same run, as a repeated send would make it
        }

        await App.Host.DrainAsync();
        var job = await App.GetJobAsync(id);

        Assert.Equal("succeeded", job.Text("status"));
        Assert.Equal(2, job.Body.GetProperty("words").GetInt64());
        Assert.Equal(1, origin.Hits(url));
        Assert.Empty(App.Host.Failures);
    }

    [Fact]
    public async Task OneMessage_DeliveredTwiceAtOnce_RecordsOneResult()
    {
        var url = origin.Page("two words");
        var id = await EnqueueAsync(url);
        var message = (await _queue.ReceiveMessageAsync(TimeSpan.FromMinutes(10))).Value;

        await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(() => App.Worker.RunJob(message.MessageText, new QueueFunctionContext(message), default))));
        var job = await App.GetJobAsync(id);

        Assert.Equal("succeeded", job.Text("status"));
        Assert.Equal(2, job.Body.GetProperty("words").GetInt64());
        Assert.InRange(origin.Hits(url), 1, 2); // both deliveries may fetch; only one result is kept
    }

    [Fact]
    public async Task Cancel_RacingTheWorkersClaim_EitherCancelsOrRuns_NeverBoth()
    {
        var urls = Enumerable.Range(0, 24).Select(i => origin.Page($"page {i}")).ToArray();
        var ids = new List<string>();
        foreach (var url in urls)
        {
            ids.Add(await EnqueueAsync(url));
        }

        var drained = App.Host.DrainAsync();
        var cancels = await Task.WhenAll(ids.Select(id => App.ExecuteAsync(App.Api.CancelJob(TallyApp.Request("DELETE"), id, default))));
        await drained;
        await App.Host.DrainAsync();

        for (var i = 0; i < ids.Count; i++)
        {
            var job = await App.GetJobAsync(ids[i]);
            var (status, hits) = (job.Text("status"), origin.Hits(urls[i]));
            Assert.True(
                (cancels[i].Status == 200 && status == "canceled" && hits == 0) || (cancels[i].Status == 409 && status == "succeeded" && hits == 1),
                $"cancel answered {cancels[i].Status}, the job is {status}, its page was fetched {hits} times");
        }
    }

    [Fact]
    public async Task Retry_RacingAStaleMessageOfTheFailedRun_RunsTheNewRunOnce()
    {
        var url = origin.Flaky(failures: 1, status: 404, body: "found it");
        var id = await EnqueueAsync(url);
        await App.Host.DrainAsync();
        Assert.Equal("failed", (await App.GetJobAsync(id)).Text("status"));

        var stale = _queue.SendMessageAsync(new JobMessage(id, 1).ToJson());
        var retry = App.ExecuteAsync(App.Api.RetryJob(TallyApp.Request("POST"), id, default));
        await Task.WhenAll(stale, retry);
        await App.Host.DrainAsync();
        var job = await App.GetJobAsync(id);

        Assert.Equal("succeeded", job.Text("status"));
        Assert.Equal(2, origin.Hits(url)); // the failed run, and the retried one
    }

    [Fact]
    public async Task ARetrysMessage_WhoseRunWasNeverSaved_WaitsForIt_ThenRunsOutAndChangesNothing()
    {
        var url = origin.Page("two words");
        var id = await EnqueueAsync(url);
        await App.ExecuteAsync(App.Api.CancelJob(TallyApp.Request("DELETE"), id, default));
        await _queue.SendMessageAsync(new JobMessage(id, 2).ToJson()); // a retry sends its run's message first; this save never landed

        var deliveries = await App.Host.DrainAsync();
        var job = await App.GetJobAsync(id);

        Assert.Equal(1 + App.Host.Settings.MaxDequeueCount + 1, deliveries); // run 1's (canceled: dropped), run 2's until they run out, its give-up
        Assert.Equal(("canceled", 0), (job.Text("status"), job.Body.GetProperty("attempts").GetInt32()));
        Assert.Equal(0, origin.Hits(url));
    }

    [Fact]
    public async Task ARetrysMessage_DeliveredBeforeItsRunIsSaved_RunsTheJobOnceItIs()
    {
        var url = origin.Page("three little words");
        var id = await EnqueueAsync(url);
        await App.ExecuteAsync(App.Api.CancelJob(TallyApp.Request("DELETE"), id, default));
        await App.Host.DrainAsync();
        var message = new JobMessage(id, 2).ToJson();

        await Assert.ThrowsAsync<JobRetryException>(() => App.Get<JobRunner>().RunAsync(message, "m-1", default)); // ahead of its record: delivered again
        await App.Records.UpdateAsync(id, j => JobStateMachine.Retry(j, 2, App.Clock.GetUtcNow(), TimeSpan.FromDays(1)), null, default); // the save lands
        await App.Get<JobRunner>().RunAsync(message, "m-1", default); // the next delivery
        var job = await App.GetJobAsync(id);

        Assert.Equal(("succeeded", 3L), (job.Text("status"), job.Body.GetProperty("words").GetInt64()));
        Assert.Equal(1, origin.Hits(url));
    }

    [Fact]
    public async Task DeadWorker_ItsMessageComesBack_AndTakesTheJobOver()
    {
        var url = origin.Page("taken over");
        var id = await EnqueueAsync(url);

        // A worker receives the message, claims the job, and dies: it neither finishes nor deletes the message.
        var message = (await _queue.ReceiveMessageAsync(TimeSpan.FromSeconds(1))).Value;
        await ClaimAsAWorkerThatDiesAsync(id, message);
        Assert.Equal("running", (await App.GetJobAsync(id)).Text("status"));

        await Eventually.GetAsync(() => App.MessageCountAsync(), count => count == 1, what: "the message to come back");
        await App.Host.DrainAsync();
        var job = await App.GetJobAsync(id);

        Assert.Equal("succeeded", job.Text("status"));
        Assert.Equal(2, job.Body.GetProperty("attempts").GetInt32());
        Assert.Equal(1, origin.Hits(url));
    }

    [Fact]
    public async Task ClaimThatOutlivedItsWorker_IsTakenOver_OnlyAfterTheClaimTimeout()
    {
        var url = origin.Page("eventually counted");
        var id = await EnqueueAsync(url);
        var original = (await _queue.ReceiveMessageAsync(TimeSpan.FromMinutes(10))).Value;
        await ClaimAsAWorkerThatDiesAsync(id, original);
        await _queue.DeleteMessageAsync(original.MessageId, original.PopReceipt); // its message is gone too

        await _queue.SendMessageAsync(new JobMessage(id, 1).ToJson());
        await App.Host.DrainAsync();
        var whileClaimed = await App.GetJobAsync(id);
        App.Clock.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(1)); // Tally:Jobs:ClaimTimeout
        await _queue.SendMessageAsync(new JobMessage(id, 1).ToJson());
        await App.Host.DrainAsync();
        var job = await App.GetJobAsync(id);

        Assert.Equal("running", whileClaimed.Text("status")); // a live claim is respected
        Assert.Equal("succeeded", job.Text("status"));
        Assert.Equal(1, origin.Hits(url));
    }

    [Fact]
    public async Task HostStandIn_FetchesAtTheThreshold_AndRunsAtMostBatchSizePlusThreshold()
    {
        // The host fetches a batch (16), and another whenever the running ones drop to newBatchThreshold (8).
        var settings = App.Host.Settings;
        var inFlight = 0;
        var peak = 0;
        using var gate = new SemaphoreSlim(0);
        var urls = Enumerable.Range(0, settings.MaxConcurrency * 2).Select(i => origin.Serve(async context =>
        {
            QueueHost.InterlockedMax(ref peak, Interlocked.Increment(ref inFlight));
            await gate.WaitAsync(TimeSpan.FromSeconds(30)); // a deadline, not a sleep: the test releases the gate
            Interlocked.Decrement(ref inFlight);
            await Origin.Write(context, "word", "text/plain");
        })).ToArray();
        foreach (var url in urls)
        {
            await EnqueueAsync(url); // one job a message, so messages in flight are fetches in flight
        }

        var drained = App.Host.DrainAsync();
        await Eventually.GetAsync(() => Task.FromResult(Volatile.Read(ref inFlight)), n => n == settings.BatchSize, what: "the first batch");
        gate.Release(settings.BatchSize - settings.NewBatchThreshold);
        await Eventually.GetAsync(() => Task.FromResult(Volatile.Read(ref inFlight)), n => n == settings.MaxConcurrency, what: "the second batch");
        gate.Release(urls.Length);
        await drained;

        Assert.Equal((8, 4, 12), (settings.BatchSize, settings.NewBatchThreshold, settings.MaxConcurrency)); // host.json
        Assert.Equal(settings.MaxConcurrency, peak);
        Assert.Equal(settings.MaxConcurrency, App.Host.PeakConcurrency);
    }

    /// <summary>Claims the job as a worker delivering <paramref name="message"/> would, and then does nothing more, as a worker that dies.</summary>
    private Task ClaimAsAWorkerThatDiesAsync(string id, QueueMessage message) =>
        App.Records.UpdateAsync(id, j => JobStateMachine.Claim(j, 1, message.MessageId, App.Clock.GetUtcNow(), TimeSpan.FromMinutes(10)) == ClaimOutcome.Claimed, null, default);

    private async Task<string> EnqueueAsync(Uri url) => (await App.PostJobsAsync($$"""{"url": "{{url}}"}""")).Text("id");
}
