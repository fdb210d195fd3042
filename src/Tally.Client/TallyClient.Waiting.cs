namespace Tally.Client;

public sealed partial class TallyClient
{
    /// <summary>Waits until the job has finished (succeeded, failed or canceled), polling with backoff (<see cref="Polling"/>).</summary>
    /// <param name="job">The job, as enqueued.</param>
    /// <param name="progress">Told the job as each poll reads it.</param>
    /// <param name="cancellationToken">Stops waiting; the job goes on.</param>
    /// <returns>The job, finished.</returns>
    /// <exception cref="OperationCanceledException">Waiting was canceled.</exception>
    /// <exception cref="TallyException">The job is unknown or expired (404); storage trouble is waited out as Retry-After asks.</exception>
    public Task<Job> WaitAsync(Job job, IProgress<Job>? progress = null, CancellationToken cancellationToken = default) =>
        WaitForJobAsync(job.Id, progress, cancellationToken);

    /// <summary>Waits until the job <paramref name="id"/> has finished, polling with backoff.</summary>
    /// <param name="id">The job id.</param>
    /// <param name="progress">Told the job as each poll reads it.</param>
    /// <param name="cancellationToken">Stops waiting; the job goes on.</param>
    /// <returns>The job, finished.</returns>
    public Task<Job> WaitForJobAsync(string id, IProgress<Job>? progress = null, CancellationToken cancellationToken = default) =>
        PollAsync(ct => GetJobAsync(id, ct), job => job.IsFinished, progress is null ? null : progress.Report, cancellationToken);

    /// <summary>Waits until every job of the request has finished, polling with backoff.</summary>
    /// <param name="request">The request, as enqueued.</param>
    /// <param name="progress">Told how many of its jobs have finished, and failed, after each poll.</param>
    /// <param name="cancellationToken">Stops waiting; the jobs go on.</param>
    /// <returns>The request's jobs, finished, in the order given.</returns>
    public Task<IReadOnlyList<Job>> WaitAsync(EnqueuedJobs request, IProgress<JobsProgress>? progress = null, CancellationToken cancellationToken = default) =>
        WaitForRequestAsync(request.RequestId, progress, cancellationToken);

    /// <summary>Waits until every job of request <paramref name="requestId"/> has finished, polling with backoff.</summary>
    /// <param name="requestId">The request.</param>
    /// <param name="progress">Told how many of its jobs have finished, and failed, after each poll.</param>
    /// <param name="cancellationToken">Stops waiting; the jobs go on.</param>
    /// <returns>The request's jobs, finished, in the order given.</returns>
    public Task<IReadOnlyList<Job>> WaitForRequestAsync(string requestId, IProgress<JobsProgress>? progress = null, CancellationToken cancellationToken = default) =>
        PollAsync<IReadOnlyList<Job>>(
            async ct => await ListRequestJobsAsync(requestId, cancellationToken: ct).ToListAsync().ConfigureAwait(false),
            jobs => jobs.All(job => job.IsFinished),
            jobs => progress?.Report(new JobsProgress(jobs.Count(job => job.IsFinished), jobs.Count, jobs.Count(job => job.Status == JobStatuses.Failed))),
            cancellationToken);

    /// <summary>Waits until the batch has finished (completed, failed or terminated), polling with backoff.</summary>
    /// <param name="batch">The batch, as started.</param>
    /// <param name="progress">Told the batch's progress after each poll.</param>
    /// <param name="cancellationToken">Stops waiting; the batch goes on.</param>
    /// <returns>The batch, finished, with its result once completed.</returns>
    public Task<Batch> WaitAsync(BatchAccepted batch, IProgress<BatchProgress>? progress = null, CancellationToken cancellationToken = default) =>
        WaitForBatchAsync(batch.Id, progress, cancellationToken);

    /// <summary>Waits until batch <paramref name="id"/> has finished, polling with backoff.</summary>
    /// <param name="id">The batch id.</param>
    /// <param name="progress">Told the batch's progress after each poll.</param>
    /// <param name="cancellationToken">Stops waiting; the batch goes on.</param>
    /// <returns>The batch, finished.</returns>
    public Task<Batch> WaitForBatchAsync(string id, IProgress<BatchProgress>? progress = null, CancellationToken cancellationToken = default) =>
        PollAsync(ct => GetBatchAsync(id, ct), batch => batch.IsFinished, batch => progress?.Report(batch.Progress), cancellationToken);

    /// <summary>
    /// Reads until <paramref name="done"/>, waiting between reads from <see cref="PollingOptions.FirstInterval"/> up to
    /// <see cref="PollingOptions.MaxInterval"/>; an answer of storage trouble (503, 429) is waited out as its Retry-After asks.
    /// </summary>
    private async Task<T> PollAsync<T>(Func<CancellationToken, Task<T>> read, Func<T, bool> done, Action<T>? report, CancellationToken cancellationToken)
    {
        var interval = Polling.FirstInterval;
        while (true)
        {
            TimeSpan wait;
            try
            {
                var value = await read(cancellationToken).ConfigureAwait(false);
                report?.Invoke(value);
                if (done(value))
                {
                    return value;
                }

                wait = interval;
            }
            catch (TallyException ex) when (ex.IsTransient)
            {
                wait = ex.RetryAfter is { } asked && asked > interval ? asked : interval;
            }

            await Task.Delay(wait, Time, cancellationToken).ConfigureAwait(false);
            interval = TimeSpan.FromTicks(Math.Min((long)(interval.Ticks * Polling.Growth), Polling.MaxInterval.Ticks));
        }
    }
}
