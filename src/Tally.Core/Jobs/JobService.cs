using Microsoft.Extensions.Logging;
using Tally.Callbacks;
using Microsoft.Extensions.Options;
using Tally.Time;
using Tally.Hosting;

namespace Tally.Jobs;

/// <summary>What the jobs API does: enqueue, read, list, retry and cancel jobs.</summary>
public sealed partial class JobService(
    JobRequests requests, JobRecords records, JobListing listing, JobQueue queue, CallbackService callbacks, IOptionsMonitor<JobsOptions> options, TimeProvider time, ILogger<JobService> logger)
{
    /// <summary>How many storage calls one request makes at once.</summary>
    private const int Parallelism = 32;

    /// <summary>How long the records of a request that never finished stay before they expire (and are purged).</summary>
    private static readonly TimeSpan ProvisionalLifetime = TimeSpan.FromMinutes(10);

    /// <summary>How long a rollback may take once the request itself has failed or been canceled.</summary>
    private static readonly TimeSpan RollbackBudget = TimeSpan.FromSeconds(30);

    /// <summary>Creates a queued job for each URL and sends its message: all of them, or none that anyone can see.</summary>
    /// <remarks>
    /// The request's index row is written, then its records are inserted undispatched (not visible, expiring in minutes),
    /// 100 to a transaction; then every message is sent (<see cref="JobQueue.JobsPerMessage"/> jobs to a message); then
    /// the request is committed by one row, which makes its records visible. If anything fails, or the caller cancels,
    /// the commit is taken back and every record that may have been written is deleted again (as last read, by ETag), and
    /// a message already sent finds no job and is dropped. What a rollback cannot delete stays invisible and expires
    /// within minutes: no job ever waits for a message that was never sent.
    /// </remarks>
    /// <param name="urls">The URLs, already checked.</param>
    /// <param name="runAt">When the jobs are due: until then they are <c>scheduled</c> and their messages hidden. Null, or a time passed, runs them now.</param>
    /// <param name="requestKey">
    /// A request key derived from something that must create its jobs once (a schedule's occurrence), or null for a new
    /// one. With a key the enqueue can be repeated: records already written are kept, messages are sent again (a second
    /// message of a run finds its job claimed or finished and changes nothing) and the commit is made again; a failure is
    /// not rolled back, as the next try with the same key finishes it.
    /// </param>
    /// <param name="enqueuedAt">As of when, if not now: a repeated request under its first key answers its first answer (see <see cref="Accepted"/>).</param>
    /// <param name="cancellationToken">Cancels the enqueue.</param>
    /// <param name="callback">Where to call when the jobs are final, if anywhere.</param>
    public async Task<IReadOnlyList<Job>> EnqueueAsync(
        IReadOnlyList<Uri> urls, DateTimeOffset? runAt, string? requestKey, DateTimeOffset? enqueuedAt, CancellationToken cancellationToken, CallbackTarget? callback = null)
    {
        var now = enqueuedAt ?? time.GetUtcNow();
        runAt = runAt > now ? runAt : null;

        // A delayed request's key carries its due time, so its jobs are listed, and purged, by the hour they run in.
        var key = requestKey ?? JobIds.NewKey(runAt ?? now);
        var jobs = NewJobs(urls, runAt, key, now, callback);
        var chunks = jobs.Chunk(JobTable.TransactionSize).ToArray();
        var attempted = new bool[chunks.Length];
        var committing = false;
        var expiresAt = (runAt ?? now) + options.CurrentValue.ResultTtl;
        try
        {
            await requests.IndexAsync(jobs, cancellationToken).ConfigureAwait(false);
            await ForEachAsync(chunks.Length, (c, ct) =>
            {
                attempted[c] = true; // before the call: an insert whose answer is lost may still have landed
                return new ValueTask(requestKey is null ? requests.AddAsync(chunks[c], ct) : requests.AddOnceAsync(chunks[c], ct));
            }, cancellationToken).ConfigureAwait(false);
            var messages = jobs.Chunk(JobQueue.JobsPerMessage).Select(group => group.Select(job => new JobMessage(job.Id, job.Run, job.RunAt)).ToArray()).ToArray();
            var delay = runAt is { } due ? QueueDelay.Until(due, time.GetUtcNow()) : TimeSpan.Zero;
            await ForEachAsync(messages.Length, (i, ct) => new ValueTask(queue.SendAsync(messages[i], delay, ct)), cancellationToken).ConfigureAwait(false);
            committing = true; // before the call, as with the inserts
            await requests.CommitAsync(key, expiresAt, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (requestKey is null)
        {
            await RollBackAsync(key, committing, chunks, attempted, ex).ConfigureAwait(false);
            throw;
        }

        return Answer(jobs, expiresAt);
    }

    /// <summary>
    /// The answer <see cref="EnqueueAsync"/>
    /// gave a request of <paramref name="urls"/> under <paramref name="requestKey"/> as of <paramref name="enqueuedAt"/>,
    /// made again without storage: the jobs as they were created.
    /// </summary>
    public IReadOnlyList<Job> Accepted(IReadOnlyList<Uri> urls, DateTimeOffset? runAt, string requestKey, DateTimeOffset enqueuedAt, CallbackTarget? callback = null)
    {
        runAt = runAt > enqueuedAt ? runAt : null;
        return Answer(NewJobs(urls, runAt, requestKey, enqueuedAt, callback), (runAt ?? enqueuedAt) + options.CurrentValue.ResultTtl);
    }

    private static JobEntity[] NewJobs(IReadOnlyList<Uri> urls, DateTimeOffset? runAt, string key, DateTimeOffset now, CallbackTarget? callback = null) =>
        [.. urls.Select((url, i) => new JobEntity
        {
            PartitionKey = key,
            RowKey = JobIds.Row(i),
            Url = url.AbsoluteUri,
            Status = (runAt is null ? JobStatus.Queued : JobStatus.Scheduled).ToName(),
            RunAt = runAt,
            EnqueuedAt = now,
            ExpiresAt = now + ProvisionalLifetime,
            CallbackUrl = callback?.Url.AbsoluteUri,
            CallbackMode = callback?.Mode == CallbackModes.Request ? CallbackModes.Request : null,
        })];

    private static IReadOnlyList<Job> Answer(JobEntity[] jobs, DateTimeOffset expiresAt)
    {
        foreach (var job in jobs)
        {
            job.Dispatched = true;
            job.ExpiresAt = expiresAt;
        }

        return Array.ConvertAll(jobs, job => job.ToJob());
    }

    /// <summary>A job's state, with its callback's, or null when it is unknown or expired.</summary>
    public async Task<Job?> GetAsync(string id, CancellationToken cancellationToken)
    {
        var job = await FindLiveAsync(id, cancellationToken).ConfigureAwait(false);
        return job is null ? null : (await callbacks.ShowJobsAsync([job], cancellationToken).ConfigureAwait(false))[0];
    }

    /// <summary>The most recent unexpired jobs in <paramref name="status"/>, newest first, a page at a time.</summary>
    /// <param name="status">The status.</param>
    /// <param name="limit">The most jobs to return.</param>
    /// <param name="continuation">Where the previous page ended; null for the first.</param>
    /// <param name="cancellationToken">Cancels the listing.</param>
    /// <returns>The page, and the token of the next one (null when this is the last).</returns>
    public async Task<(IReadOnlyList<Job> Jobs, string? Continuation)> ListAsync(JobStatus status, int limit, ListingCursor? continuation, CancellationToken cancellationToken)
    {
        var (jobs, next) = await listing.ListAsync(status, time.GetUtcNow(), ListingSpan(Ttl), limit, continuation, cancellationToken).ConfigureAwait(false);
        return (await callbacks.ShowJobsAsync(jobs, cancellationToken).ConfigureAwait(false), next?.ToToken());
    }

    /// <summary>Whether a listing of <paramref name="status"/> can have given <paramref name="cursor"/>: it names an hour of the listing's window.</summary>
    /// <remarks>A scheduled job's request key carries its due time, up to <see cref="JobsOptions.MaxDelay"/> ahead.</remarks>
    public bool IsWithinWindow(ListingCursor cursor, JobStatus status)
    {
        var now = time.GetUtcNow();
        return cursor.IsWithin(status == JobStatus.Scheduled ? now + options.CurrentValue.MaxDelay : now, now - ListingSpan(Ttl));
    }

    /// <summary>How far back in request hours a listing looks: a job's row is in the hour its request was made, and a retry can keep it alive a TTL after that.</summary>
    internal static TimeSpan ListingSpan(TimeSpan resultTtl) => resultTtl + resultTtl + TimeSpan.FromHours(1);

    /// <summary>Starts the next run of a failed or canceled job, under the same id.</summary>
    /// <remarks>
    /// The run's message is sent first, then the record is moved to the run. So a run that is saved always has its
    /// message, even when the save's answer is lost or the caller leaves; a message whose run was never saved is
    /// ahead of its record, is delivered again until its deliveries run out, and changes nothing.
    /// </remarks>
    public async Task<JobChange> RetryAsync(string id, CancellationToken cancellationToken)
    {
        var live = await FindLiveAsync(id, cancellationToken).ConfigureAwait(false);
        if (live is null)
        {
            return new JobChange(JobChangeOutcome.NotFound, null);
        }

        if (JobStateMachine.NextRun(live) is not { } run)
        {
            return new JobChange(JobChangeOutcome.Conflict, live.ToJob());
        }

        await queue.SendAsync(id, run, cancellationToken).ConfigureAwait(false);
        return await ChangeAsync(id, live, job => JobStateMachine.Retry(job, run, time.GetUtcNow(), Ttl), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Cancels a job that is still queued or scheduled, and records its callback; its message then finds it final (and records the callback again if this died first).</summary>
    public async Task<JobChange> CancelAsync(string id, CancellationToken cancellationToken) =>
        await FindLiveAsync(id, cancellationToken).ConfigureAwait(false) is { } live
            ? await ChangeAsync(id, live, job => JobStateMachine.Cancel(job, time.GetUtcNow(), Ttl), cancellationToken, callbacks.JobFinalAsync).ConfigureAwait(false)
            : new JobChange(JobChangeOutcome.NotFound, null);

    private TimeSpan Ttl => options.CurrentValue.ResultTtl;

    private static Task ForEachAsync(int count, Func<int, CancellationToken, ValueTask> body, CancellationToken cancellationToken) =>
        Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken }, body);

    private async Task RollBackAsync(string key, bool committing, JobEntity[][] chunks, bool[] attempted, Exception cause)
    {
        using var budget = new CancellationTokenSource(RollbackBudget);
        var left = 0;
        var uncommitted = !committing;
        if (committing)
        {
            try
            {
                await requests.UncommitAsync(key, budget.Token).ConfigureAwait(false); // first: then nothing left below is visible
                uncommitted = true;
            }
            catch (Exception ex) when (StorageTrouble.IsOrCanceled(ex))
            {
                LogRollbackIncomplete(ex, key);
            }
        }

        for (var c = 0; c < chunks.Length; c++)
        {
            if (!attempted[c])
            {
                continue;
            }

            try
            {
                await requests.RemoveAsync(chunks[c], budget.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (StorageTrouble.IsOrCanceled(ex))
            {
                left += chunks[c].Length; // undispatched: with no commit, never visible, and expiring within minutes
                LogRollbackIncomplete(ex, key);
            }
        }

        if (uncommitted || left == 0)
        {
            LogEnqueueFailed(cause, chunks.Sum(c => c.Length), left);
        }
        else
        {
            LogEnqueueFailedMaybeVisible(cause, chunks.Sum(c => c.Length), left, key);
        }
    }

    private async Task<JobChange> ChangeAsync(
        string id, JobEntity live, Func<JobEntity, bool> change, CancellationToken cancellationToken, Func<JobEntity, CancellationToken, Task>? changed = null)
    {
        var (job, saved) = await records.UpdateAsync(id, change, live, cancellationToken).ConfigureAwait(false);
        if (saved && changed is not null)
        {
            await changed(job!, cancellationToken).ConfigureAwait(false);
        }

        return job is null
            ? new JobChange(JobChangeOutcome.NotFound, null)
            : new JobChange(saved ? JobChangeOutcome.Changed : JobChangeOutcome.Conflict, job.ToJob());
    }

    private async Task<JobEntity?> FindLiveAsync(string id, CancellationToken cancellationToken)
    {
        if (!JobIds.IsValid(id))
        {
            return null;
        }

        var job = await records.FindAsync(id, cancellationToken).ConfigureAwait(false);
        return job is not null && JobVisibility.IsVisible(job, time.GetUtcNow()) ? job : null;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Enqueueing {Count} jobs failed and was rolled back; {Left} records could not be deleted and will expire unseen")]
    private partial void LogEnqueueFailed(Exception ex, int count, int left);

    [LoggerMessage(Level = LogLevel.Error, Message = "Enqueueing {Count} jobs failed after its messages were sent; neither the commit of request {Key} nor {Left} of its records could be deleted, so those jobs may be visible and run, although the request was answered with an error")]
    private partial void LogEnqueueFailedMaybeVisible(Exception ex, int count, int left, string key);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rolling back request {Key} left records behind")]
    private partial void LogRollbackIncomplete(Exception ex, string key);
}

/// <summary>How a retry or cancel went.</summary>
/// <param name="Outcome">Whether the job changed.</param>
/// <param name="Job">The job as it now stands; null when it was not found.</param>
public sealed record JobChange(JobChangeOutcome Outcome, Job? Job);

/// <summary>The outcomes of <see cref="JobService.RetryAsync"/> and <see cref="JobService.CancelAsync"/>.</summary>
public enum JobChangeOutcome
{
    /// <summary>The job changed as asked.</summary>
    Changed,

    /// <summary>No such job, or it expired.</summary>
    NotFound,

    /// <summary>The job's status does not allow the change.</summary>
    Conflict,
}
