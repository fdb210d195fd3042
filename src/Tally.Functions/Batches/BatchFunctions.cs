using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Tally.Batches;
using Tally.Callbacks;

namespace Tally.Functions.Batches;

/// <summary>The batch orchestrator and its fetch-and-count activity.</summary>
public sealed class BatchFunctions(BatchPageFetcher pages, SliceRunner slices, CallbackService callbacks)
{
    /// <summary>Fans out over the batch's slices and gathers the totals (see <see cref="BatchOrchestration"/>).</summary>
    [Function(nameof(RunBatch))]
    public Task<BatchResult> RunBatch([OrchestrationTrigger] TaskOrchestrationContext context) =>
        context.GetInput<BatchRequest>()! is { SliceSize: > 0 } request
            ? BatchEndCall.RunAsync(context, request, () => BatchOrchestration.RunSlicesAsync(context, request, nameof(CountBatchSlice)), nameof(RecordBatchCallback))
            : BatchOrchestration.RunAsync(context, context.GetInput<BatchRequest>()!, nameof(RunBatch), nameof(CountBatchPage));

    /// <summary>Fetches and counts one slice of a batch's URLs, several at once, and writes its pages to its blob.</summary>
    [Function(nameof(CountBatchSlice))]
    public Task<SliceSummary> CountBatchSlice([ActivityTrigger] SliceWork work, CancellationToken cancellationToken) =>
        slices.RunAsync(work, cancellationToken);

    /// <summary>Records the call a batch's end owes (see <see cref="BatchEndCall"/>).</summary>
    [Function(nameof(RecordBatchCallback))]
    public Task RecordBatchCallback([ActivityTrigger] BatchEnd end, CancellationToken cancellationToken) =>
        callbacks.BatchEndedAsync(end, cancellationToken);

    /// <summary>Batches started before slices: fetches and counts one URL; transient failures throw so the retry policy applies.</summary>
    [Function(nameof(CountBatchPage))]
    public Task<PageResult> CountBatchPage([ActivityTrigger] string url, CancellationToken cancellationToken) =>
        pages.CountAsync(url, cancellationToken);
}
