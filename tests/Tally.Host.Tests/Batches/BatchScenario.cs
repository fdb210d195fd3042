using System.Text.Json;
using Tally.Batches;
using Tally.Host.Tests.Infrastructure;
using Tally.Tests.Infrastructure;

namespace Tally.Host.Tests.Batches;

/// <summary>Where a batch runs: the real host over HTTP, or the in-process Durable test host.</summary>
public interface IBatchesUnderTest
{
    /// <summary>Starts a batch; returns its id.</summary>
    Task<string> StartAsync(IReadOnlyList<Uri> urls, int maxParallelism);

    /// <summary>The batch as <c>GET /api/batches/{id}</c> answers it.</summary>
    Task<JsonElement> GetAsync(string id);
}

/// <summary>What a batch looked like from the origin and the API.</summary>
/// <param name="MidwayStatus">The status once the first slice was counted and the rest were held.</param>
/// <param name="MidwayDone">Progress <c>done</c> then.</param>
/// <param name="WindowFull">Fetches in flight at the origin then.</param>
/// <param name="Peak">The most fetches ever in flight at once.</param>
public sealed record BatchObservations(string MidwayStatus, int MidwayDone, int WindowFull, int Peak, string FinalStatus, int FinalDone, int Total, int Succeeded, int Failed, long TotalWords, int MostHitsOfAUrl);

/// <summary>
/// A batch of 40 URLs at parallelism 4 whose first slice answers at once and whose other pages wait for the scenario:
/// its progress is read while they wait and the window is full, then every page is let go and the result is read.
/// </summary>
public static class BatchScenario
{
    public const int Parallelism = 4;
    public const int Count = 40;

    /// <summary>Each page is "page N of the batch": five words.</summary>
    public const int WordsAPage = 5;

    public static async Task<BatchObservations> RunAsync(IBatchesUnderTest batches, Origin origin)
    {
        var firstSlice = BatchOrchestration.SliceSizeFor(Parallelism);
        var pages = new HeldPages();
        var urls = Enumerable.Range(0, Count).Select(i => origin.Serve(pages.Page($"page {i} of the batch", hold: i >= firstSlice))).ToArray();
        try
        {
            var id = await batches.StartAsync(urls, Parallelism);
            var midway = await Eventually.GetAsync(() => batches.GetAsync(id), b => Done(b) >= firstSlice, TallyClient.Patience, "the first slice's progress");
            var windowFull = await Eventually.GetAsync(() => Task.FromResult(pages.InFlight), n => n >= Parallelism, TallyClient.Patience, $"{Parallelism} fetches in flight");
            pages.Open();
            var done = await Eventually.GetAsync(() => batches.GetAsync(id), b => Status(b) is "completed" or "failed" or "terminated", TallyClient.Patience, "the batch to finish");
            var result = done.GetProperty("result");
            return new BatchObservations(
                Status(midway), Done(midway), windowFull, pages.Peak, Status(done), Done(done), done.GetProperty("progress").GetProperty("total").GetInt32(),
                result.GetProperty("succeeded").GetInt32(), result.GetProperty("failed").GetInt32(), result.GetProperty("totalWords").GetInt64(),
                urls.Max(origin.Hits));
        }
        finally
        {
            pages.Open();
        }
    }

    private static int Done(JsonElement batch) => batch.GetProperty("progress").GetProperty("done").GetInt32();

    private static string Status(JsonElement batch) => batch.GetProperty("status").GetString()!;
}

/// <summary>The real host's batch routes.</summary>
public sealed class RealHostBatches(TallyClient api) : IBatchesUnderTest
{
    public async Task<string> StartAsync(IReadOnlyList<Uri> urls, int maxParallelism)
    {
        var accepted = await api.PostAsync("api/batches", new { urls, maxParallelism });
        Assert.True(accepted.Status == 202, $"POST /api/batches answered {accepted}");
        return accepted.Text("id")!;
    }

    public async Task<JsonElement> GetAsync(string id) => (await api.GetAsync($"api/batches/{id}")).Body;
}
