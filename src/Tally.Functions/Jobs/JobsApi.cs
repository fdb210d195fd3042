using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using Tally.Callbacks;
using Tally.Fetching;
using Tally.Functions.Http;
using Tally.Jobs;
using Tally.Time;
using Tally.Jobs.Search;

namespace Tally.Functions.Jobs;

/// <summary>The <c>/api/jobs</c> routes: each binds its request and hands it to <see cref="JobService"/>.</summary>
public sealed class JobsApi(JobService jobs, JobSearch search, IOptionsMonitor<FetchOptions> fetch, IOptionsMonitor<JobsOptions> options, TimeProvider time, IdempotentEnqueue once, IOptionsMonitor<CallbacksOptions> callbacks)
{
    /// <summary><c>POST /api/jobs</c>: enqueue one URL or many, to run now or, with <c>runAt</c> or <c>delay</c>, later.</summary>
    [Function(nameof(EnqueueJobs))]
    public async Task<IActionResult> EnqueueJobs(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "jobs")] HttpRequest request, CancellationToken cancellationToken)
    {
        var (list, problem) = await UrlListRequest.Jobs(options.CurrentValue.MaxUrlsPerRequest).ReadAsync(request, fetch.CurrentValue, callbacks.CurrentValue, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var (runAt, timingError) = DelayedStart.Resolve(list!.RunAt, list.Delay, time.GetUtcNow(), options.CurrentValue.MaxDelay);
        if (timingError is not null)
        {
            return Problems.BadRequest($"{timingError} Nothing was enqueued.");
        }

        if (!IdempotencyHeader.TryRead(request, "POST /api/jobs", list.Fingerprint, out var key, out var keyProblem))
        {
            return keyProblem!;
        }

        return key is null
            ? Accepted(await jobs.EnqueueAsync(list.Urls, runAt, null, null, cancellationToken, list.Callback))
            : IdempotencyHeader.Answer(await once.EnqueueAsync(key, list.Urls, runAt, list.Callback, cancellationToken), key, Accepted);
    }

    private static IActionResult Accepted(IReadOnlyList<Job> enqueued) => enqueued.Count == 1
        ? new AcceptedResult(enqueued[0].StatusUrl, enqueued[0])
        : new ObjectResult(new EnqueuedJobs(enqueued[0].RequestId, enqueued)) { StatusCode = StatusCodes.Status202Accepted };

    /// <summary><c>GET /api/jobs/{id}</c>: a job's state and result.</summary>
    [Function(nameof(GetJob))]
    public async Task<IActionResult> GetJob(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "jobs/{id}")] HttpRequest request, string id, CancellationToken cancellationToken) =>
        await jobs.GetAsync(id, cancellationToken) is { } job ? new OkObjectResult(job) : UnknownJob(id);

    /// <summary>
    /// <c>GET /api/jobs?status=failed&amp;limit=50&amp;continuation=…</c>: recent jobs in a status, newest first, a page at a
    /// time; <c>?request=</c> a request's jobs instead, <c>&amp;origin=</c> only one origin's (see <see cref="JobListQuery"/>).
    /// </summary>
    [Function(nameof(ListJobs))]
    public async Task<IActionResult> ListJobs(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "jobs")] HttpRequest request, CancellationToken cancellationToken)
    {
        var (query, problem) = JobListQuery.Read(request, options.CurrentValue.MaxListSize);
        if (query is null)
        {
            return problem!;
        }

        if (query is { Request: null, After: { } after } && !jobs.IsWithinWindow(after, query.Status!.Value))
        {
            return Problems.BadRequest($"?continuation= must be the 'continuation' of a recent page of this listing; '{request.Query["continuation"]}' is not one. List again without it.");
        }

        var (page, next) = query switch
        {
            { Request: { } key } => await search.ListRequestAsync(key, query.Status, query.Origin, query.Limit, query.After, cancellationToken),
            { Origin: { } origin } => await search.ListOriginAsync(query.Status!.Value, origin, query.Limit, query.After, cancellationToken),
            _ => await jobs.ListAsync(query.Status!.Value, query.Limit, query.After, cancellationToken),
        };
        return new OkObjectResult(new JobList(page, next));
    }

    /// <summary><c>POST /api/jobs/{id}/retry</c>: enqueue a failed or canceled job again.</summary>
    [Function(nameof(RetryJob))]
    public async Task<IActionResult> RetryJob(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "jobs/{id}/retry")] HttpRequest request, string id, CancellationToken cancellationToken)
    {
        var change = await jobs.RetryAsync(id, cancellationToken);
        return change.Outcome switch
        {
            JobChangeOutcome.Changed => new AcceptedResult(change.Job!.StatusUrl, change.Job),
            JobChangeOutcome.Conflict => Problems.Conflict($"Job '{id}' is {change.Job!.Status}; only failed or canceled jobs can be retried."),
            _ => UnknownJob(id),
        };
    }

    /// <summary><c>DELETE /api/jobs/{id}</c>: cancel a job that has not started.</summary>
    [Function(nameof(CancelJob))]
    public async Task<IActionResult> CancelJob(
        [HttpTrigger(AuthorizationLevel.Function, "delete", Route = "jobs/{id}")] HttpRequest request, string id, CancellationToken cancellationToken)
    {
        var change = await jobs.CancelAsync(id, cancellationToken);
        return change.Outcome switch
        {
            JobChangeOutcome.Changed => new OkObjectResult(change.Job),
            JobChangeOutcome.Conflict => Problems.Conflict($"Job '{id}' is {change.Job!.Status}; only a queued or scheduled job can be canceled."),
            _ => UnknownJob(id),
        };
    }

    private ObjectResult UnknownJob(string id) =>
        Problems.NotFound($"There is no job '{id}'. Results are kept for {options.CurrentValue.ResultTtl} after a job finishes, so it may have expired.");
}

/// <summary>A list of jobs, as listing and many-URL enqueueing answer it.</summary>
/// <param name="Jobs">The jobs.</param>
/// <param name="Continuation">For a listing, the token of its next page (absent on the last one).</param>
public sealed record JobList(
    IReadOnlyList<Job> Jobs,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? Continuation = null);

/// <summary>What enqueueing many URLs answers: the request's id (every job's <c>requestId</c>) and its jobs, in the order given.</summary>
/// <param name="RequestId">The request: <c>GET /api/jobs?request={requestId}</c> lists its jobs.</param>
/// <param name="Jobs">The jobs.</param>
public sealed record EnqueuedJobs(string RequestId, IReadOnlyList<Job> Jobs);
