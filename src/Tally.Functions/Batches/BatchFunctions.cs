using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Tally.Batches;

namespace Tally.Functions.Batches;

/// <summary>The batch orchestrator and its fetch-and-count activity.</summary>
public sealed class BatchFunctions(BatchPageCounter pages)
{
    /// <summary>Fans out over the batch's URLs and gathers the result (see <see cref="BatchOrchestration"/>).</summary>
    [Function(nameof(RunBatch))]
    public Task<BatchResult> RunBatch([OrchestrationTrigger] TaskOrchestrationContext context) =>
        BatchOrchestration.RunAsync(context, context.GetInput<BatchRequest>()!, nameof(RunBatch), nameof(CountBatchPage));

    /// <summary>Fetches and counts one URL; transient failures throw so the retry policy applies.</summary>
    [Function(nameof(CountBatchPage))]
    public Task<PageResult> CountBatchPage([ActivityTrigger] string url, CancellationToken cancellationToken) =>
        pages.CountAsync(url, cancellationToken);
}
