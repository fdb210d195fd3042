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

    /// <summary>Why a batch whose input has no slices fails: it was started by a version before slices, whose path is gone.</summary>
    public const string StartedBeforeSlices =
        "This batch was started by a Tally version before slices (its URLs in its input, one activity a URL), which this version no longer runs; start it again with POST /api/batches.";

    /// <summary>Runs a batch of slices in <paramref name="context"/>.</summary>
    /// <param name="context">The orchestration context.</param>
    /// <param name="request">The batch, with where an earlier generation left off.</param>
    /// <param name="sliceActivity">The slice activity's name.</param>
    /// <returns>The totals; the pages are in the batch's blobs.</returns>
    /// <exception cref="InvalidOperationException">The batch was started before slices (<see cref="StartedBeforeSlices"/>): it fails with that reason.</exception>
    public static async Task<BatchResult> RunAsync(TaskOrchestrationContext context, BatchRequest request, string sliceActivity)
    {
        if (request.SliceSize <= 0)
        {
            throw new InvalidOperationException(StartedBeforeSlices);
        }

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
}
