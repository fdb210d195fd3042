using Tally.Host.Tests.Infrastructure;
using Tally.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Tally.Host.Tests.Jobs;

/// <summary>Retry, cancel and the poison path, under the real host's queue listener.</summary>
public sealed class JobControlTests(HostSuite suite, ITestOutputHelper output) : HostTest(suite, output)
{
    private static readonly HostQueueSettings Queues = HostQueueSettings.FromHostJson();

    [HostFact]
    public async Task FailedJob_Retried_RunsAgainAndSucceeds()
    {
        var url = Suite.Origin.Status(404);
        var id = await Api.EnqueueAsync(url);
        var failed = await Api.WaitForFinishedAsync(id);
        Suite.Origin.Replace(url, context => Origin.Write(context, "found on the second try", "text/plain"));

        var retried = await Api.PostAsync($"api/jobs/{id}/retry", "");
        var done = await Api.WaitForJobAsync(id, "succeeded");

        Assert.Equal("failed", failed.Text("status"));
        Assert.Contains("404", failed.Text("error"));
        Assert.Equal(202, retried.Status);
        Assert.Equal(5, done.Body.GetProperty("words").GetInt64());
        Assert.Equal(2, Suite.Origin.Hits(url));
    }

    [HostFact]
    public async Task SucceededJob_Retry_Answers409()
    {
        var id = await Api.EnqueueAsync(Suite.Origin.Page("done"));
        await Api.WaitForJobAsync(id, "succeeded");

        var refused = await Api.PostAsync($"api/jobs/{id}/retry", "");

        Assert.Equal(409, refused.Status);
        Assert.Equal("application/problem+json", refused.MediaType);
    }

    /// <summary>
    /// A job stays queued while the listener is busy: with more than <c>newBatchThreshold</c> messages running (their
    /// pages held), the host fetches no more, so a job enqueued then waits on the queue, and can be canceled there.
    /// </summary>
    [HostFact]
    public async Task QueuedJob_Canceled_NeverRuns()
    {
        var held = new HeldPages();
        try
        {
            for (var i = 0; i < Queues.MaxConcurrency; i++)
            {
                await Api.EnqueueAsync(Suite.Origin.Serve(held.Page("busy")));
            }

            await Eventually.GetAsync(() => Task.FromResult(held.InFlight), n => n > Queues.NewBatchThreshold, TallyClient.Patience, "the listener to be busy");
            var waiting = Suite.Origin.Page("never fetched");
            var id = await Api.EnqueueAsync(waiting);

            var queued = await Api.GetAsync($"api/jobs/{id}");
            var canceled = await Api.DeleteAsync($"api/jobs/{id}");
            held.Open();
            await Eventually.GetAsync(() => Api.GetAsync("api/overview"), o => o.Body.GetProperty("queue").GetInt64() == 0, TallyClient.Patience, "every message, the canceled job's included, to be delivered and deleted");
            var after = await Api.WaitForFinishedAsync(id);
            var again = await Api.DeleteAsync($"api/jobs/{id}");

            Assert.Equal("queued", queued.Text("status"));
            Assert.Equal(200, canceled.Status);
            Assert.Equal("canceled", canceled.Text("status"));
            Assert.Equal("canceled", after.Text("status"));
            Assert.Equal(0, Suite.Origin.Hits(waiting));
            Assert.Equal(409, again.Status);
        }
        finally
        {
            held.Open();
        }
    }

    [HostFact]
    public async Task Origin503Forever_IsDeliveredMaxDequeueCountTimes_ThenFailedWithTheLastError()
    {
        var url = Suite.FailingOrigin.Status(503);

        var id = await Api.EnqueueAsync(url);
        var job = await Api.WaitForFinishedAsync(id);

        Assert.Equal("failed", job.Text("status"));
        Assert.Contains("503", job.Text("error"));
        Assert.Equal(Queues.MaxDequeueCount, job.Body.GetProperty("attempts").GetInt32());
        Assert.Equal(Queues.MaxDequeueCount, Suite.FailingOrigin.Hits(url));
    }

    [HostFact]
    public async Task Origin503Twice_IsRedelivered_ThenSucceeds()
    {
        var url = Suite.FailingOrigin.Flaky(2, 503, "third time lucky");

        var id = await Api.EnqueueAsync(url);
        var job = await Api.WaitForFinishedAsync(id);

        Assert.Equal("succeeded", job.Text("status"));
        Assert.Equal(3, job.Body.GetProperty("words").GetInt64());
        Assert.Equal(3, job.Body.GetProperty("attempts").GetInt32());
        Assert.Equal(3, Suite.FailingOrigin.Hits(url));
    }
}
