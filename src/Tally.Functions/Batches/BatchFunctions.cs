using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Tally.Batches;
using Tally.Callbacks;

namespace Tally.Functions.Batches;

/// <summary>The batch orchestrator, its slice activity and the activity that records its end's callback.</summary>
public sealed class BatchFunctions(SliceRunner slices, CallbackService callbacks)
{
    /// <summary>Fans out over the batch's slices and gathers the totals (see <see cref="BatchOrchestration"/>).</summary>
    [Function(nameof(RunBatch))]
    public Task<BatchResult> RunBatch([OrchestrationTrigger] TaskOrchestrationContext context)
    {
        var request = context.GetInput<BatchRequest>()!;
        return BatchEndCall.RunAsync(context, request, () => BatchOrchestration.RunAsync(context, request, nameof(CountBatchSlice)), nameof(RecordBatchCallback));
    }

    /// <summary>Fetches and counts one slice of a batch's URLs, several at once, and writes its pages to its blob.</summary>
    [Function(nameof(CountBatchSlice))]
    public Task<SliceSummary> CountBatchSlice([ActivityTrigger] SliceWork work, CancellationToken cancellationToken) =>
        slices.RunAsync(work, cancellationToken);

    /// <summary>Records the call a batch's end owes (see <see cref="BatchEndCall"/>).</summary>
    [Function(nameof(RecordBatchCallback))]
    public Task RecordBatchCallback([ActivityTrigger] BatchEnd end, CancellationToken cancellationToken) =>
        callbacks.BatchEndedAsync(end, cancellationToken);
}
