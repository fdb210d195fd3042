using Microsoft.DurableTask;

namespace Tally.Batches;

/// <summary>
/// The fan-out/fan-in. The batch's URLs are cut into slices (<see cref="BatchRequest.SliceSize"/>), and one activity
/// fetches a slice, several of its URLs at once. The orchestrator keeps a sliding window of slices over a fixed set of
/// slots whose shares add up to <see cref="BatchRequest.MaxParallelism"/>: as a slice finishes, the next one takes its
/// slot and its share, so the fetches in flight never pass the batch's parallelism and fall short of it only in the
/// tail of a slice. Progress is published as custom status after every slice.
/// </summary>
/// <remarks>
/// Deterministic, as an orchestrator must be: no clock, GUID, random or I/O outside the context. The Durable cost is
/// per activity, not per fetch: a 10,000-URL batch at parallelism 16 is 313 activities, not 10,000, and its history
/// holds only their small inputs and totals (the URLs and pages are in blobs). Every
/// <see cref="BatchRequest.GenerationSize"/> slices the orchestration continues as new with only its totals, so no
/// history grows with the batch, and the batch's parallelism is never split among sub-orchestrations; between
/// generations the window drains once.
/// Batches started before slices run the former way (one activity a URL; sub-orchestrations of
/// <see cref="BatchRequest.ChunkSize"/> URLs), which stays below for them.
/// </remarks>
public static class BatchOrchestration
{
    /// <summary>The most slots a batch runs at once.</summary>
    public const int MaxSlots = 8;

    /// <summary>How many slices a batch at <paramref name="maxParallelism"/> runs at once: a quarter of it, from 1 to <see cref="MaxSlots"/>.</summary>
    public static int Slots(int maxParallelism) => Math.Clamp(maxParallelism / 4, 1, MaxSlots);

    /// <summary>
    /// The slice size a batch at <paramref name="maxParallelism"/> gets: eight rounds of its slot's share of fetches, from 8 to 200 URLs.
    /// Small enough that progress moves every few page times, large enough that the Durable overhead is paid once per many fetches.
    /// </summary>
    public static int SliceSizeFor(int maxParallelism) => Math.Clamp(8 * (maxParallelism / Slots(maxParallelism)), 8, 200);

    /// <summary>
    /// <paramref name="sliceSize"/>, cut to the rounds a slice's time budget holds (<see cref="Hosting.TimeBudget.MaxRounds"/>): a slice
    /// of <paramref name="maxRounds"/> rounds of its smallest slot's share, at most.
    /// </summary>
    public static int SliceSizeWithin(int sliceSize, int maxParallelism, int maxRounds) =>
        Math.Clamp(sliceSize, 1, Math.Max(1, maxParallelism / Slots(maxParallelism) * maxRounds));

    /// <summary>The share of <paramref name="maxParallelism"/> slot <paramref name="slot"/> of <paramref name="slots"/> gets: the shares add up to it.</summary>
    public static int Share(int maxParallelism, int slots, int slot) => (maxParallelism / slots) + (slot < maxParallelism % slots ? 1 : 0);


    /// <summary>Runs a batch of slices in <paramref name="context"/>.</summary>
    /// <param name="context">The orchestration context.</param>
    /// <param name="request">The batch, with where an earlier generation left off.</param>
    /// <param name="sliceActivity">The slice activity's name.</param>
    /// <returns>The totals; the pages are in the batch's blobs.</returns>
    public static async Task<BatchResult> RunSlicesAsync(TaskOrchestrationContext context, BatchRequest request, string sliceActivity)
    {
        var sliceCount = (request.UrlCount + request.SliceSize - 1) / request.SliceSize;
        var carried = request.Carried ?? new BatchCarry(0, 0, 0, 0);
        var end = Math.Min(sliceCount, carried.NextSlice + request.GenerationSize);
        var width = Math.Max(1, Math.Min(sliceCount, Slots(request.MaxParallelism)));
        var options = TaskOptions.FromRetryPolicy(new RetryPolicy(
            request.Retry.MaxAttempts, TimeSpan.FromMilliseconds(request.Retry.FirstIntervalMs), backoffCoefficient: 2));
        var freeSlots = new Queue<int>(Enumerable.Range(0, width));
        var inFlight = new Dictionary<Task<SliceSummary>, int>(); // each running slice and its slot
        var (next, done, failed, words) = (carried.NextSlice, carried.Done, carried.Failed, carried.Words);
        context.SetCustomStatus(new BatchProgress(done, request.UrlCount, failed));
        while (next < end || inFlight.Count > 0)
        {
            while (next < end && freeSlots.TryDequeue(out var slot))
            {
                var work = new SliceWork(context.InstanceId, next++, Share(request.MaxParallelism, width, slot), request.Retry);
                inFlight[context.CallActivityAsync<SliceSummary>(sliceActivity, work, options)] = slot;
            }

            var finished = await Task.WhenAny(inFlight.Keys);
            freeSlots.Enqueue(inFlight[finished]);
            inFlight.Remove(finished);
            var slice = await finished; // a slice whose retries are spent (storage down) fails the batch, with its reason
            (done, failed, words) = (done + slice.Done, failed + slice.Failed, words + slice.Words);
            context.SetCustomStatus(new BatchProgress(done, request.UrlCount, failed));
        }

        if (end < sliceCount)
        {
            context.ContinueAsNew(request with { Carried = new BatchCarry(end, done, failed, words) });
            return null!; // the next generation's result is the batch's
        }

        return new BatchResult(words, done - failed, failed, []);
    }

    /// <summary>The chunk size of batches started before it travelled in the input, when it was fixed.</summary>
    public const int FormerChunkSize = 500;

    /// <summary>Runs a batch started before slices in <paramref name="context"/>, as it began.</summary>
    /// <param name="context">The orchestration context.</param>
    /// <param name="request">The batch.</param>
    /// <param name="orchestratorName">The orchestrator's own name, for sub-orchestrations.</param>
    /// <param name="activityName">The fetch-and-count activity's name.</param>
    public static async Task<BatchResult> RunAsync(TaskOrchestrationContext context, BatchRequest request, string orchestratorName, string activityName)
    {
        var pages = request.Urls.Count > ChunkSizeOf(request)
            ? await RunChunksAsync(context, request, orchestratorName)
            : await RunPagesAsync(context, request, activityName);
        var failed = pages.Count(p => p.Error is not null);
        return new BatchResult(pages.Sum(p => p.Words ?? 0), pages.Count - failed, failed, pages);
    }

    private static async Task<IReadOnlyList<PageResult>> RunPagesAsync(TaskOrchestrationContext context, BatchRequest request, string activityName)
    {
        var options = TaskOptions.FromRetryPolicy(new RetryPolicy(
            request.Retry.MaxAttempts, TimeSpan.FromMilliseconds(request.Retry.FirstIntervalMs), backoffCoefficient: 2));
        return await SlidingWindowAsync(context, request.Urls.Count, request.MaxParallelism, request.Urls.Count, async i =>
        {
            try
            {
                return await context.CallActivityAsync<PageResult>(activityName, request.Urls[i], options);
            }
            catch (TaskFailedException ex)
            {
                // Retries are spent: the URL fails, the batch goes on.
                return new PageResult(request.Urls[i], null, null, ex.FailureDetails.ErrorMessage);
            }
        }, page => [page]);
    }

    /// <summary>
    /// Runs the chunks as sub-orchestrations, a sliding window of them, and publishes progress as the
    /// chunks report it (<see cref="ChunkProgress"/>), not only as they finish: a 10,000-URL batch shows
    /// pages done within a few pages of their completion.
    /// </summary>
    private static async Task<IReadOnlyList<PageResult>> RunChunksAsync(TaskOrchestrationContext context, BatchRequest request, string orchestratorName)
    {
        var chunks = request.Urls.Chunk(ChunkSizeOf(request)).ToArray();
        var width = Math.Min(chunks.Length, request.MaxParallelism);
        var share = Math.Max(1, request.MaxParallelism / width);
        var ids = chunks.Select((_, i) => $"{context.InstanceId}-{i:D4}").ToArray();
        var results = new BatchResult?[chunks.Length];
        var reported = new ChunkProgress?[chunks.Length]; // the latest report of each chunk still running
        var inFlight = new Dictionary<Task<BatchResult>, int>();
        var next = 0;

        void Start()
        {
            inFlight[context.CallSubOrchestratorAsync<BatchResult>(
                orchestratorName,
                request with { Urls = chunks[next], MaxParallelism = share },
                new SubOrchestrationOptions { InstanceId = ids[next] })] = next;
            next++;
        }

        void Publish() => context.SetCustomStatus(new BatchProgress(
            results.Sum(r => r?.Pages.Count ?? 0) + reported.Sum(r => r?.Done ?? 0),
            request.Urls.Count,
            results.Sum(r => r?.Failed ?? 0) + reported.Sum(r => r?.Failed ?? 0)));

        Publish();
        while (next < chunks.Length && inFlight.Count < width)
        {
            Start();
        }

        var report = context.WaitForExternalEvent<ChunkProgress>(ChunkProgress.EventName);
        while (inFlight.Count > 0)
        {
            var finished = await Task.WhenAny([.. inFlight.Keys, report]);
            if (finished == report)
            {
                // Reports are cumulative, so an old one arriving late never lowers the count, and one for a finished chunk is ignored.
                var i = Array.IndexOf(ids, report.Result.InstanceId);
                if (i >= 0 && results[i] is null && report.Result.Done > (reported[i]?.Done ?? -1))
                {
                    reported[i] = report.Result;
                }

                report = context.WaitForExternalEvent<ChunkProgress>(ChunkProgress.EventName);
            }
            else
            {
                var chunk = (Task<BatchResult>)finished;
                var i = inFlight[chunk];
                inFlight.Remove(chunk);
                (results[i], reported[i]) = (chunk.Result, null);
                if (next < chunks.Length)
                {
                    Start();
                }
            }

            Publish();
        }

        return [.. results.SelectMany(r => r!.Pages)];
    }

    /// <summary>A chunk tells its batch how far it has got, every twentieth of its pages, so the batch's history stays small.</summary>
    private static void ReportToParent(TaskOrchestrationContext context, BatchProgress progress)
    {
        var every = Math.Max(1, progress.Total / 20);
        if (context.Parent is { } parent && (progress.Done % every == 0 || progress.Done == progress.Total))
        {
            context.SendEvent(parent.InstanceId, ChunkProgress.EventName, new ChunkProgress(context.InstanceId, progress.Done, progress.Failed));
        }
    }

    private static int ChunkSizeOf(BatchRequest request) => request.ChunkSize > 0 ? request.ChunkSize : FormerChunkSize;

    /// <summary>Runs <paramref name="count"/> tasks, at most <paramref name="width"/> at once, publishing progress as each finishes.</summary>
    private static async Task<T[]> SlidingWindowAsync<T>(
        TaskOrchestrationContext context, int count, int width, int totalUrls, Func<int, Task<T>> start, Func<T, IReadOnlyList<PageResult>> pagesOf)
    {
        var results = new T[count];
        var inFlight = new Dictionary<Task<T>, int>();
        var next = 0;
        var progress = new BatchProgress(0, totalUrls, 0);
        context.SetCustomStatus(progress);
        while (next < count && inFlight.Count < width)
        {
            inFlight[start(next)] = next++;
        }

        while (inFlight.Count > 0)
        {
            var finished = await Task.WhenAny(inFlight.Keys);
            var pages = pagesOf(results[inFlight[finished]] = finished.Result);
            inFlight.Remove(finished);
            progress = progress with { Done = progress.Done + pages.Count, Failed = progress.Failed + pages.Count(p => p.Error is not null) };
            context.SetCustomStatus(progress);
            ReportToParent(context, progress);
            if (next < count)
            {
                inFlight[start(next)] = next++;
            }
        }

        return results;
    }
}
