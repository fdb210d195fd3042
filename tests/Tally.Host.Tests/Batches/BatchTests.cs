using Tally.Host.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Tally.Host.Tests.Batches;

/// <summary>A batch under the real host's Durable Functions (Azure Storage backend on Azurite), watched from the origin.</summary>
public sealed class BatchTests(HostSuite suite, ITestOutputHelper output) : HostTest(suite, output)
{
    [HostFact]
    public async Task Batch_ShowsProgress_KeepsItsWindow_AndGathersEveryPage()
    {
        var seen = await BatchScenario.RunAsync(new RealHostBatches(Api), Suite.Origin);

        Assert.Equal("running", seen.MidwayStatus);
        Assert.InRange(seen.MidwayDone, 1, BatchScenario.Count - 1);
        Assert.Equal(BatchScenario.Parallelism, seen.WindowFull); // the window is used,
        Assert.Equal(BatchScenario.Parallelism, seen.Peak); // and never passed
        Assert.Equal("completed", seen.FinalStatus);
        Assert.Equal(BatchScenario.Count, seen.FinalDone);
        Assert.Equal(BatchScenario.Count, seen.Total);
        Assert.Equal(BatchScenario.Count, seen.Succeeded);
        Assert.Equal(0, seen.Failed);
        Assert.Equal(BatchScenario.Count * BatchScenario.WordsAPage, seen.TotalWords);
        Assert.Equal(1, seen.MostHitsOfAUrl);
    }
}
