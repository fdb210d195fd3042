using Microsoft.DurableTask;

namespace Tally.Batches;

/// <summary>
/// The fan-out/fan-in: keeps at most <see cref="BatchRequest.MaxParallelism"/> fetches in flight as a
/// sliding window (a new one starts as each finishes), retries transient failures with backoff,
/// records permanent failures per URL, and publishes progress as custom status.
/// </summary>
/// <remarks>
/// Deterministic, as an orchestrator must be: no clock, GUID, random or I/O outside the context.
/// A batch larger than its <see cref="BatchRequest.ChunkSize"/> runs its URLs in sub-orchestrations of
/// at most that many, so no single history grows with the batch; the parallelism is shared among them.
/// </remarks>
public static class BatchOrchestration
{
    /// <summary>The chunk size of batches started before it travelled in the input, when it was fixed.</summary>
    public const int FormerChunkSize = 500;

    /// <summary>Runs the batch in <paramref name="context"/>.</summary>
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

    private static async Task<IReadOnlyList<PageResult>> RunChunksAsync(TaskOrchestrationContext context, BatchRequest request, string orchestratorName)
    {
        var chunks = request.Urls.Chunk(ChunkSizeOf(request)).ToArray();
        var running = Math.Min(chunks.Length, request.MaxParallelism);
        var share = Math.Max(1, request.MaxParallelism / running);
        var results = await SlidingWindowAsync(context, chunks.Length, running, request.Urls.Count, i =>
            context.CallSubOrchestratorAsync<BatchResult>(
                orchestratorName,
                request with { Urls = chunks[i], MaxParallelism = share },
                new SubOrchestrationOptions { InstanceId = $"{context.InstanceId}-{i:D4}" }),
            chunk => chunk.Pages);
        return [.. results.SelectMany(r => r.Pages)];
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
            if (next < count)
            {
                inFlight[start(next)] = next++;
            }
        }

        return results;
    }
}
