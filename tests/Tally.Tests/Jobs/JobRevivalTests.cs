using Azure;
using Azure.Core;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Tally.Jobs;
using Tally.Tests.Infrastructure;

namespace Tally.Tests.Jobs;

/// <summary>
/// Crash recovery in seconds: a running job whose worker died is run again under a new run once its heartbeat is stale,
/// a live worker's heartbeat keeps its job, and whatever happens (a slow worker, storage failing at each call of a
/// revival) the job is counted once.
/// </summary>
/// <remarks>
/// Each test moves the app's clock to hours of its own, far from other tests' requests: the reviver reads every
/// <c>running</c> row in its listing span, and must meet only this test's.
/// </remarks>
[Collection(StorageCollection.Name)]
public sealed class JobRevivalTests(Azurite azurite, Origin origin) : IAsyncLifetime
{
    private static int s_tests;

    private readonly TallyApp _app = new(azurite, new Dictionary<string, string?> { ["Tally:Jobs:ResultTtl"] = "00:10:00" }); // a listing span of 1 h 20 min

    private QueueClient Queue => _app.Queues.GetQueueClient(JobStorage.QueueName);

    private static readonly TimeSpan HeartbeatTimeout = new JobsOptions().HeartbeatTimeout;

    private static readonly TimeSpan HeartbeatInterval = new JobsOptions().HeartbeatInterval;

    public async Task InitializeAsync()
    {
        _app.Clock.Advance(TimeSpan.FromDays(400 + (30 * Interlocked.Increment(ref s_tests))));
        await _app.ClearQueuesAsync();
    }

    public async Task DisposeAsync()
    {
        await _app.ClearQueuesAsync();
        await _app.DisposeAsync();
    }

    private JobReviver Reviver => _app.Get<JobReviver>();

    [Fact]
    public async Task DeadWorkersJob_IsRunAgain_OnceItsHeartbeatIsStale_AndCountedOnce()
    {
        var url = origin.Page("three little words");
        var id = await EnqueueAsync(url);
        var held = await ClaimAsAWorkerThatDiesAsync(id);

        var whileFresh = await Reviver.ReviveAsync(default);
        _app.Clock.Advance(HeartbeatTimeout - TimeSpan.FromSeconds(1));
        var justBefore = await Reviver.ReviveAsync(default);
        _app.Clock.Advance(TimeSpan.FromSeconds(2));
        var revived = await Reviver.ReviveAsync(default);
        var requeued = await _app.GetJobAsync(id);
        await _app.Host.DrainAsync();
        var job = await _app.GetJobAsync(id);

        Assert.Equal((0, 0, 1), (whileFresh, justBefore, revived));
        Assert.Equal("queued", requeued.Text("status"));
        Assert.Equal(("succeeded", 3L, 2), (job.Text("status"), job.Body.GetProperty("words").GetInt64(), job.Body.GetProperty("attempts").GetInt32()));
        Assert.Equal(1, origin.Hits(url));

        // The dead worker's message comes back at last: its run is stale, and it changes nothing.
        await Queue.UpdateMessageAsync(held.MessageId, held.PopReceipt, visibilityTimeout: TimeSpan.Zero);
        var deliveries = await _app.Host.DrainAsync();
        var after = await _app.GetJobAsync(id);

        Assert.Equal(1, deliveries);
        Assert.Equal(job.Body.ToString(), after.Body.ToString());
        Assert.Equal(1, origin.Hits(url));
    }

    [Fact]
    public async Task LiveWorkersJob_IsNeverRevived_ItsHeartbeatKeepsItFresh()
    {
        using var gate = new SemaphoreSlim(0);
        var url = origin.Serve(async context =>
        {
            await gate.WaitAsync(TimeSpan.FromSeconds(60)); // a deadline, not a sleep: the test releases the gate
            await Origin.Write(context, "still counting these words", "text/plain");
        });
        var id = await EnqueueAsync(url);
        var drained = _app.Host.DrainAsync();
        await Eventually.GetAsync(() => Task.FromResult(origin.Hits(url)), hits => hits == 1, what: "the worker to fetch the page");

        // A minute, twice the heartbeat timeout, a second at a time: whenever a heartbeat is due, it lands, and the reviver passes.
        var revivals = new List<int>();
        for (var second = 1; second <= 60; second++)
        {
            _app.Clock.Advance(TimeSpan.FromSeconds(1));
            var due = _app.Clock.GetUtcNow() - HeartbeatInterval - TimeSpan.FromSeconds(2);
            await Eventually.GetAsync(() => RunningRowWrittenAtAsync(id), at => at > due, what: $"the heartbeat due by second {second}");
            revivals.Add(await Reviver.ReviveAsync(default));
        }

        gate.Release();
        await drained;
        var job = await _app.GetJobAsync(id);

        Assert.All(revivals, count => Assert.Equal(0, count));
        Assert.Equal(("succeeded", 1), (job.Text("status"), job.Body.GetProperty("attempts").GetInt32()));
        Assert.Equal(1, origin.Hits(url));
    }

    [Fact]
    public async Task SlowWorker_RevivedWhileItStillCounts_CannotRecordItsResult()
    {
        using var gate = new SemaphoreSlim(0);
        var requests = 0;
        var url = origin.Serve(async context =>
        {
            if (Interlocked.Increment(ref requests) == 1)
            {
                await gate.WaitAsync(TimeSpan.FromSeconds(60)); // the first worker is slow; the test releases it
            }

            await Origin.Write(context, "four words right here", "text/plain");
        });
        var id = await EnqueueAsync(url);
        var slow = _app.Host.DrainAsync();
        await Eventually.GetAsync(() => Task.FromResult(origin.Hits(url)), hits => hits == 1, what: "the first worker to fetch the page");

        // Its heartbeat is lost to storage trouble, so it looks dead.
        _app.Faults.FailWhen = request => request.Method == RequestMethod.Put && request.Uri.Path.Contains(JobIndex.TableName, StringComparison.Ordinal);
        _app.Clock.Advance(HeartbeatTimeout + TimeSpan.FromSeconds(1));
        await Eventually.GetAsync(() => Task.FromResult(_app.Faults.Injected), n => n >= 1, what: "the lost heartbeat");
        _app.Faults.FailWhen = null;
        var revived = await Reviver.ReviveAsync(default);

        // The next run's message is taken by the listener still running the slow delivery, as the host's listener keeps
        // polling while work runs below its threshold: a second drain here would race it for the message.
        var counted = await Eventually.GetAsync(() => _app.GetJobAsync(id), j => j.Text("status") == "succeeded", what: "the next run to count the page");
        gate.Release();
        await slow; // the first worker finishes, and tries to record its result
        var job = await _app.GetJobAsync(id);

        Assert.Equal(1, revived);
        Assert.Equal(("succeeded", 4L, 2), (counted.Text("status"), counted.Body.GetProperty("words").GetInt64(), counted.Body.GetProperty("attempts").GetInt32()));
        Assert.Equal(counted.Body.ToString(), job.Body.ToString()); // the slow worker changed nothing
        Assert.Equal(2, origin.Hits(url)); // fetched by both, counted once
    }

    [Theory]
    [InlineData(StorageFault.Fail)]
    [InlineData(StorageFault.LoseAnswer)] // the write lands; the reviver cannot know it did
    public async Task Revive_FailingAtEachStorageCall_RunsTheJobOnce(StorageFault fault)
    {
        var calls = 0;
        for (var k = 1; ; k++)
        {
            _app.Clock.Advance(TimeSpan.FromHours(3)); // past the listing span of the requests before
            var url = origin.Page("five words to count here");
            var id = await EnqueueAsync(url);
            await ClaimAsAWorkerThatDiesAsync(id);
            _app.Clock.Advance(HeartbeatTimeout + TimeSpan.FromSeconds(1));
            _app.Faults.At(k, fault);

            var failed = await Record.ExceptionAsync(() => Reviver.ReviveAsync(default));
            var injected = _app.Faults.Injected;
            _app.Faults.Reset();
            await Reviver.ReviveAsync(default); // the next pass
            await _app.Host.DrainAsync();
            var job = await _app.GetJobAsync(id);

            Assert.True(failed is null || failed is RequestFailedException or AggregateException, $"call {k}: {failed}");
            Assert.True(("succeeded", 5L, 2) == (job.Text("status"), job.Body.GetProperty("words").GetInt64(), job.Body.GetProperty("attempts").GetInt32()), $"call {k}: {job}");
            Assert.Equal(1, origin.Hits(url));
            if (injected == 0)
            {
                break; // k is past the revival's last call
            }

            calls = k;
        }

        Assert.True(calls >= 5, $"a revival made only {calls} storage calls"); // the rows, the records, the message, the queued row, the records' transaction
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(2, true)]
    [InlineData(3, false)] // Tally:Jobs:MaxRevivals: a worker that keeps dying is left to its message's own deliveries, which run out into the poison queue
    public void Revive_StopsAtMaxRevivals(int revivals, bool expected)
    {
        var now = new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
        var job = new JobEntity { Run = 1, Status = "running", ClaimToken = "m-1", StartedAt = now - TimeSpan.FromMinutes(1), Revivals = revivals };

        var revived = JobStateMachine.Revive(job, 1, "m-1", now - HeartbeatTimeout, new JobsOptions().MaxRevivals);

        Assert.Equal(expected, revived);
        Assert.Equal(expected ? (2, "queued", (string?)null) : (1, "running", "m-1"), (job.Run, job.Status, job.ClaimToken));
    }

    [Theory]
    [InlineData(2, "running", "m-1", -60)] // a run since retried
    [InlineData(1, "running", "m-2", -60)] // claimed since by another message
    [InlineData(1, "running", "m-1", -10)] // claimed again lately by a delivery of the same message
    [InlineData(1, "succeeded", null, -60)] // finished meanwhile
    public void Revive_ChangesNothing_WhenTheJobMovedOnSinceItWasFoundDead(int run, string status, string? token, int startedSecondsAgo)
    {
        var now = new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
        var job = new JobEntity { Run = run, Status = status, ClaimToken = token, StartedAt = now.AddSeconds(startedSecondsAgo) };

        Assert.False(JobStateMachine.Revive(job, 1, "m-1", now - HeartbeatTimeout, 3));
        Assert.Equal((run, status, token), (job.Run, job.Status, job.ClaimToken));
    }

    /// <summary>Takes the job's message as the host does and claims the job as a worker delivering it would, then does nothing more, as a worker that dies.</summary>
    private async Task<QueueMessage> ClaimAsAWorkerThatDiesAsync(string id)
    {
        var message = (await Queue.ReceiveMessageAsync(TimeSpan.FromMinutes(10))).Value;
        await _app.Records.UpdateAsync(id, j => JobStateMachine.Claim(j, 1, message.MessageId, _app.Clock.GetUtcNow(), TimeSpan.FromMinutes(10)) == ClaimOutcome.Claimed, null, default);
        return message;
    }

    /// <summary>When the <c>running</c> index row of <paramref name="id"/>'s request was last written.</summary>
    private async Task<DateTimeOffset?> RunningRowWrittenAtAsync(string id)
    {
        var index = _app.Get<TableServiceClient>().GetTableClient(JobIndex.TableName);
        var row = await index.GetEntityIfExistsAsync<TableEntity>(JobIndex.Partition(JobIds.RequestTime(id)), $"running-{JobIds.Split(id).PartitionKey}");
        return row.HasValue ? row.Value!.GetDateTimeOffset(nameof(IndexEntry.WrittenAt)) : null;
    }

    private async Task<string> EnqueueAsync(Uri url) => (await _app.PostJobsAsync($$"""{"url": "{{url}}"}""")).Text("id");
}
