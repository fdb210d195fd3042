using Tally.Host.Tests.Infrastructure;
using Tally.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Tally.Host.Tests.StandIns;

/// <summary>
/// <see cref="QueueHost"/>, the in-process suite's stand-in for the host's queue listener, does what the real host does
/// with the same host.json: the same scenario runs under both, and what the origin and the API see must agree.
/// What cannot be compared: how soon a failed message comes back (the host waits the visibility timeout, 1 s here;
/// the stand-in none), as the suite asserts no timings.
/// </summary>
public sealed class QueueHostAgreementTests(HostSuite suite, ITestOutputHelper output) : HostTest(suite, output)
{
    private static readonly HostQueueSettings Queues = HostQueueSettings.FromHostJson();

    [HostFact]
    public async Task StandIn_AgreesWithTheHost_OnConcurrencyRedeliveryAndPoisonCount()
    {
        var host = await ObserveAsync(new RealHostQueue(Api));
        await using var standIn = await StandInQueue.StartAsync();
        var stood = await ObserveAsync(standIn);

        Assert.Equal(host, stood);
        Assert.Equal(Queues.MaxConcurrency, host.Peak); // batchSize + newBatchThreshold, from host.json
        Assert.All(host.Rounds, round => Assert.True(round <= Queues.MaxConcurrency));
        Assert.Equal(new JobOutcome("succeeded", 3, false), host.Flaky); // two 503s, then the page
        Assert.Equal(new JobOutcome("failed", Queues.MaxDequeueCount, true), host.Poisoned);
        Assert.Equal(Queues.MaxDequeueCount, host.PoisonHits);
    }

    /// <summary>What a side did: the in-flight counts after each round of the listener, the most at once, and two outcomes.</summary>
    private sealed record Observations(int Peak, string RoundsText, JobOutcome Flaky, JobOutcome Poisoned, int PoisonHits)
    {
        public IEnumerable<int> Rounds => RoundsText.Split(',').Select(int.Parse);
    }

    private async Task<Observations> ObserveAsync(IJobQueueUnderTest queue)
    {
        var (peak, rounds) = await ConcurrencyAsync(queue);
        var flaky = await queue.FinishedAsync(await queue.EnqueueAsync(Suite.FailingOrigin.Flaky(2, 503, "third time lucky")));
        var poison = Suite.FailingOrigin.Status(503);
        var poisoned = await queue.FinishedAsync(await queue.EnqueueAsync(poison));
        return new Observations(peak, string.Join(',', rounds), flaky, poisoned, Suite.FailingOrigin.Hits(poison));
    }

    /// <summary>
    /// Occupies the listener with one message more than <c>newBatchThreshold</c> (each job's page held, enqueued one by
    /// one), so it takes no more; queues the rest; then, round by round, lets the running ones drop to the threshold and
    /// sees how many the listener takes next. Returns the most ever in flight and the count after each round.
    /// </summary>
    private async Task<(int Peak, List<int> Rounds)> ConcurrencyAsync(IJobQueueUnderTest queue)
    {
        const int total = 28;
        var pages = new HeldPages();
        var rounds = new List<int>();
        try
        {
            for (var i = 1; i <= Queues.NewBatchThreshold + 1; i++)
            {
                await queue.EnqueueAsync(Suite.Origin.Serve(pages.Page("held")));
                await Eventually.GetAsync(() => Task.FromResult(pages.InFlight), n => n == i, TallyClient.Patience, $"job {i} to start");
            }

            for (var i = Queues.NewBatchThreshold + 1; i < total; i++)
            {
                await queue.EnqueueAsync(Suite.Origin.Serve(pages.Page("held")));
            }

            while (pages.Served + pages.InFlight < total)
            {
                var queued = total - pages.Served - pages.InFlight;
                var released = pages.InFlight - Queues.NewBatchThreshold;
                var served = pages.Served + released;
                var expected = Queues.NewBatchThreshold + Math.Min(Queues.BatchSize, queued);
                pages.Release(released);
                rounds.Add(await Eventually.GetAsync(
                    () => Task.FromResult(pages.Served == served ? pages.InFlight : -1),
                    n => n == expected,
                    TallyClient.Patience,
                    $"the listener to take {expected - Queues.NewBatchThreshold} more after {served} were served (in flight: {pages.InFlight})"));
            }

            return (pages.Peak, rounds);
        }
        finally
        {
            pages.Open();
            await Eventually.GetAsync(() => Task.FromResult(pages.Served), n => n == total, TallyClient.Patience, "every held job to be served");
        }
    }
}
