using Microsoft.DurableTask;
using Tally.Callbacks;

namespace Tally.Batches;

/// <summary>
/// Runs a batch's orchestration and, when the batch has a callback, records the call its end owes through an activity
/// (an orchestrator does no I/O itself): <c>completed</c> with its totals, or <c>failed</c> with the reason, before the
/// orchestration ends, so the batch never reads as ended without its call recorded. A terminated batch runs no more
/// code: <see cref="BatchService.TerminateAsync"/> records its call.
/// </summary>
public static class BatchEndCall
{
    /// <summary>Storage trouble while recording is retried for about ten minutes; past that the batch's result stands without its call.</summary>
    private static readonly TaskOptions Retry = TaskOptions.FromRetryPolicy(new RetryPolicy(8, TimeSpan.FromSeconds(5), backoffCoefficient: 2, maxRetryInterval: TimeSpan.FromMinutes(2)));

    /// <summary>Runs <paramref name="run"/> in <paramref name="context"/>, then records the call of the batch's end with activity <paramref name="activityName"/>.</summary>
    public static async Task<BatchResult> RunAsync(TaskOrchestrationContext context, BatchRequest request, Func<Task<BatchResult>> run, string activityName)
    {
        if (request.CallbackUrl is not { } url)
        {
            return await run();
        }

        BatchResult result;
        try
        {
            result = await run();
        }
        catch (TaskFailedException ex)
        {
            var carried = request.Carried ?? new BatchCarry(0, 0, 0, 0);
            await RecordAsync(context, activityName, new BatchEnd(context.InstanceId, url, BatchStatus.Failed.ToName(), request.UrlCount, carried.Done, carried.Failed, carried.Words, ex.Message, context.CurrentUtcDateTime));
            throw;
        }

        if (result is null)
        {
            return result!; // continued as new: the last generation records the call
        }

        await RecordAsync(context, activityName, new BatchEnd(
            context.InstanceId, url, BatchStatus.Completed.ToName(), request.UrlCount, result.Succeeded + result.Failed, result.Failed, result.TotalWords, null, context.CurrentUtcDateTime));
        return result;
    }

    private static async Task RecordAsync(TaskOrchestrationContext context, string activityName, BatchEnd end)
    {
        try
        {
            await context.CallActivityAsync(activityName, end, Retry);
        }
        catch (TaskFailedException)
        {
            // Storage refused for ten minutes: the batch's own outcome matters more than its call, so it stands.
        }
    }
}
