using System.Text.Json;

namespace Tally.Client;

public sealed partial class TallyClient
{
    /// <summary>Enqueues one URL (<c>POST /api/jobs</c>).</summary>
    /// <param name="url">The URL to count.</param>
    /// <param name="options">When it runs, and an idempotency key.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The job, queued (or scheduled).</returns>
    /// <exception cref="TallyException">The URL cannot be fetched (400), or storage trouble (503).</exception>
    public async Task<Job> EnqueueAsync(string url, EnqueueOptions? options = null, CancellationToken cancellationToken = default) =>
        (await EnqueueAsync([url], options, cancellationToken).ConfigureAwait(false)).Jobs[0];

    /// <summary>Enqueues many URLs as one request (<c>POST /api/jobs</c>): all of them, or none.</summary>
    /// <param name="urls">The URLs to count, one job each.</param>
    /// <param name="options">When they run, and an idempotency key.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The request and its jobs, in the order given.</returns>
    /// <exception cref="TallyException">A URL cannot be fetched, or too many (400, with each URL's error in <see cref="TallyException.Errors"/>).</exception>
    public async Task<EnqueuedJobs> EnqueueAsync(IReadOnlyList<string> urls, EnqueueOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(urls);
        var body = new Dictionary<string, object?>();
        if (urls.Count == 1)
        {
            body["url"] = urls[0];
        }
        else
        {
            body["urls"] = urls;
        }

        if (options?.RunAt is { } runAt)
        {
            body["runAt"] = runAt;
        }

        if (options?.Delay is { } delay)
        {
            body["delay"] = delay.ToString("c", System.Globalization.CultureInfo.InvariantCulture);
        }

        var answer = await SendAsync<JsonElement>(HttpMethod.Post, "api/jobs", body, options?.IdempotencyKey, cancellationToken).ConfigureAwait(false);
        if (answer.TryGetProperty("jobs", out _))
        {
            return answer.Deserialize<EnqueuedJobs>(Json)!;
        }

        var job = answer.Deserialize<Job>(Json)!;
        return new EnqueuedJobs(job.RequestId, [job]);
    }

    /// <summary>A job's state and result (<c>GET /api/jobs/{id}</c>).</summary>
    /// <param name="id">The job id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="TallyException">No such job, or it expired (404).</exception>
    public Task<Job> GetJobAsync(string id, CancellationToken cancellationToken = default) =>
        SendAsync<Job>(HttpMethod.Get, $"api/jobs/{Uri.EscapeDataString(id)}", null, null, cancellationToken);

    /// <summary>The jobs in <paramref name="status"/>, newest first, of <paramref name="origin"/> if given (<c>GET /api/jobs?status=</c>), every page.</summary>
    /// <param name="status">The status (see <see cref="JobStatuses"/>).</param>
    /// <param name="origin">A host, <c>host:port</c> or origin: only its jobs.</param>
    /// <param name="pageSize">The most jobs a page asks for; null for the app's default.</param>
    /// <param name="cancellationToken">Cancels the listing.</param>
    public IAsyncEnumerable<Job> ListJobsAsync(string status, string? origin = null, int? pageSize = null, CancellationToken cancellationToken = default) =>
        PagesAsync<Job>($"api/jobs?{Query(("status", status), ("origin", origin), ("limit", pageSize?.ToString(System.Globalization.CultureInfo.InvariantCulture)))}", page => page.Jobs, cancellationToken);

    /// <summary>A request's jobs in the order given, in any status or in <paramref name="status"/> (<c>GET /api/jobs?request=</c>), every page.</summary>
    /// <param name="requestId">The request: any of its jobs' <see cref="Job.RequestId"/>.</param>
    /// <param name="status">Only jobs in this status; null for all.</param>
    /// <param name="pageSize">The most jobs a page asks for; null for the app's default.</param>
    /// <param name="cancellationToken">Cancels the listing.</param>
    public IAsyncEnumerable<Job> ListRequestJobsAsync(string requestId, string? status = null, int? pageSize = null, CancellationToken cancellationToken = default) =>
        PagesAsync<Job>($"api/jobs?{Query(("request", requestId), ("status", status), ("limit", pageSize?.ToString(System.Globalization.CultureInfo.InvariantCulture)))}", page => page.Jobs, cancellationToken);

    /// <summary>Enqueues a failed or canceled job again (<c>POST /api/jobs/{id}/retry</c>).</summary>
    /// <param name="id">The job id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The job, queued for its next run.</returns>
    /// <exception cref="TallyException">No such job (404), or it is neither failed nor canceled (409).</exception>
    public Task<Job> RetryJobAsync(string id, CancellationToken cancellationToken = default) =>
        SendAsync<Job>(HttpMethod.Post, $"api/jobs/{Uri.EscapeDataString(id)}/retry", null, null, cancellationToken);

    /// <summary>Cancels a job that has not started (<c>DELETE /api/jobs/{id}</c>).</summary>
    /// <param name="id">The job id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The job, canceled.</returns>
    /// <exception cref="TallyException">No such job (404), or it has started (409).</exception>
    public Task<Job> CancelJobAsync(string id, CancellationToken cancellationToken = default) =>
        SendAsync<Job>(HttpMethod.Delete, $"api/jobs/{Uri.EscapeDataString(id)}", null, null, cancellationToken);

    /// <summary>Retries every job <paramref name="filter"/> matches, on the server (<c>POST /api/jobs/actions/retry</c>), calling again while the app answers a continuation.</summary>
    /// <param name="filter">Which jobs: a request's failed ones, or a status's within a time range.</param>
    /// <param name="cancellationToken">Cancels between calls; what a call changed stays changed.</param>
    /// <returns>The jobs matched and changed over every call.</returns>
    public Task<BulkOutcome> RetryJobsAsync(JobFilter filter, CancellationToken cancellationToken = default) => BulkAsync("retry", filter, false, cancellationToken);

    /// <summary>Cancels every job <paramref name="filter"/> matches, on the server (<c>POST /api/jobs/actions/cancel</c>), calling again while the app answers a continuation.</summary>
    /// <param name="filter">Which jobs: a request's queued ones, or a status's within a time range.</param>
    /// <param name="cancellationToken">Cancels between calls; what a call changed stays changed.</param>
    /// <returns>The jobs matched and changed over every call.</returns>
    public Task<BulkOutcome> CancelJobsAsync(JobFilter filter, CancellationToken cancellationToken = default) => BulkAsync("cancel", filter, false, cancellationToken);

    /// <summary>How many jobs <see cref="RetryJobsAsync"/> would take with <paramref name="filter"/>, changing none (<c>"dryRun": true</c>): what a confirmation states.</summary>
    /// <param name="filter">Which jobs: a request's failed ones, or a status's within a time range.</param>
    /// <param name="cancellationToken">Cancels the count.</param>
    /// <returns>The jobs matched over every call (changed is 0).</returns>
    public Task<BulkOutcome> CountRetryAsync(JobFilter filter, CancellationToken cancellationToken = default) => BulkAsync("retry", filter, true, cancellationToken);

    /// <summary>How many jobs <see cref="CancelJobsAsync"/> would take with <paramref name="filter"/>, changing none (<c>"dryRun": true</c>).</summary>
    /// <param name="filter">Which jobs: a request's queued ones, or a status's within a time range.</param>
    /// <param name="cancellationToken">Cancels the count.</param>
    /// <returns>The jobs matched over every call (changed is 0).</returns>
    public Task<BulkOutcome> CountCancelAsync(JobFilter filter, CancellationToken cancellationToken = default) => BulkAsync("cancel", filter, true, cancellationToken);

    private async Task<BulkOutcome> BulkAsync(string action, JobFilter filter, bool dryRun, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var total = new BulkOutcome(0, 0);
        for (string? continuation = null; ;)
        {
            var body = new Dictionary<string, object?>();
            Add("request", filter.Request);
            Add("status", filter.Status);
            Add("from", filter.From);
            Add("to", filter.To);
            Add("continuation", continuation);
            Add("dryRun", dryRun ? true : null);
            var call = await SendAsync<BulkCall>(HttpMethod.Post, $"api/jobs/actions/{action}", body, null, cancellationToken).ConfigureAwait(false);
            total = new BulkOutcome(total.Matched + call.Matched, total.Changed + call.Changed);
            if (call.Continuation is null)
            {
                return total;
            }

            continuation = call.Continuation;

            void Add(string name, object? value)
            {
                if (value is not null)
                {
                    body[name] = value;
                }
            }
        }
    }

    private sealed record BulkCall(int Matched, int Changed, string? Continuation);
}
