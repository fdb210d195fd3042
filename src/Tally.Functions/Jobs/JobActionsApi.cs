using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Tally.Jobs;
using Tally.Jobs.Bulk;

namespace Tally.Functions.Jobs;

/// <summary>The bulk routes <c>/api/jobs/actions/{retry,cancel}</c>: each reads its filter and hands it to <see cref="JobBulkActions"/> (to count only, with <c>dryRun</c>).</summary>
public sealed class JobActionsApi(JobBulkActions actions)
{
    /// <summary><c>POST /api/jobs/actions/retry</c>: retry every failed (or canceled) job of a request or of a time range.</summary>
    [Function(nameof(RetryJobs))]
    public async Task<IActionResult> RetryJobs(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "jobs/actions/retry")] HttpRequest request, CancellationToken cancellationToken)
    {
        var (filter, dryRun, problem) = await JobFilterRequest.ReadAsync(request, JobStatus.Failed, JobStateMachine.CanRetry, cancellationToken);
        return problem ?? new OkObjectResult(await (dryRun ? actions.CountAsync(filter!, cancellationToken) : actions.RetryAsync(filter!, cancellationToken)));
    }

    /// <summary><c>POST /api/jobs/actions/cancel</c>: cancel every queued job of a request or of a time range.</summary>
    [Function(nameof(CancelJobs))]
    public async Task<IActionResult> CancelJobs(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "jobs/actions/cancel")] HttpRequest request, CancellationToken cancellationToken)
    {
        var (filter, dryRun, problem) = await JobFilterRequest.ReadAsync(request, JobStatus.Queued, JobStateMachine.CanCancel, cancellationToken);
        return problem ?? new OkObjectResult(await (dryRun ? actions.CountAsync(filter!, cancellationToken) : actions.CancelAsync(filter!, cancellationToken)));
    }
}
