using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Tally.Jobs;

/// <summary>What the jobs API does: enqueue, read, list, retry and cancel jobs.</summary>
public sealed partial class JobService(
    JobStore store, JobQueue queue, IOptionsMonitor<JobsOptions> options, TimeProvider time, ILogger<JobService> logger)
{
    private const int EnqueueParallelism = 16;

    /// <summary>Creates a queued job for each URL and enqueues its message.</summary>
    /// <remarks>All or nothing: if storage fails part way, the records already written are deleted, so no job is left that no message will run.</remarks>
    public async Task<IReadOnlyList<Job>> EnqueueAsync(IReadOnlyList<Uri> urls, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var expiresAt = now + options.CurrentValue.ResultTtl;
        var jobs = urls.Select(url => new JobEntity
        {
            PartitionKey = JobIds.New(now),
            Url = url.AbsoluteUri,
            EnqueuedAt = now,
            ExpiresAt = expiresAt,
        }).ToArray();

        var written = new bool[jobs.Length];
        try
        {
            await Parallel.ForAsync(0, jobs.Length, new ParallelOptions { MaxDegreeOfParallelism = EnqueueParallelism, CancellationToken = cancellationToken }, async (i, ct) =>
            {
                await store.AddAsync(jobs[i], ct).ConfigureAwait(false);
                written[i] = true;
                await queue.SendAsync(jobs[i].Id, ct).ConfigureAwait(false);
            }).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogEnqueueFailed(ex, jobs.Length);
            for (var i = 0; i < jobs.Length; i++)
            {
                if (written[i])
                {
                    await store.DeleteAsync(jobs[i].Id, Azure.ETag.All, CancellationToken.None).ConfigureAwait(false);
                }
            }

            throw;
        }

        return Array.ConvertAll(jobs, job => job.ToJob());
    }

    /// <summary>A job's state, or null when it is unknown or expired.</summary>
    public async Task<Job?> GetAsync(string id, CancellationToken cancellationToken) =>
        (await FindLiveAsync(id, cancellationToken).ConfigureAwait(false))?.ToJob();

    /// <summary>The most recent unexpired jobs in <paramref name="status"/>, newest first.</summary>
    public async Task<IReadOnlyList<Job>> ListAsync(JobStatus status, int limit, CancellationToken cancellationToken)
    {
        var jobs = new List<Job>();
        await foreach (var job in store.ListAsync(status, time.GetUtcNow(), limit, cancellationToken).ConfigureAwait(false))
        {
            jobs.Add(job.ToJob());
        }

        return jobs;
    }

    /// <summary>Enqueues a failed or canceled job again, under the same id.</summary>
    public async Task<JobChange> RetryAsync(string id, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var change = await ChangeAsync(id, job =>
        {
            if (job.JobStatus is not (JobStatus.Failed or JobStatus.Canceled))
            {
                return false;
            }

            job.JobStatus = JobStatus.Queued;
            job.Error = null;
            job.Words = job.Bytes = null;
            job.ContentType = null;
            job.HttpStatus = null;
            job.StartedAt = job.FinishedAt = null;
            job.EnqueuedAt = now;
            job.ExpiresAt = now + options.CurrentValue.ResultTtl;
            return true;
        }, cancellationToken).ConfigureAwait(false);

        if (change.Outcome == JobChangeOutcome.Changed)
        {
            try
            {
                await queue.SendAsync(id, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // Without a message the job would sit queued for ever: put it back as it was.
                await store.UpdateAsync(id, job => Fail(job, $"The retry could not be enqueued: {ex.Message}", time.GetUtcNow()), null, CancellationToken.None).ConfigureAwait(false);
                throw;
            }
        }

        return change;
    }

    /// <summary>Cancels a job that is still queued; the worker then skips its message.</summary>
    public Task<JobChange> CancelAsync(string id, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        return ChangeAsync(id, job =>
        {
            if (job.JobStatus != JobStatus.Queued)
            {
                return false;
            }

            job.Finish(JobStatus.Canceled, now, options.CurrentValue.ResultTtl);
            return true;
        }, cancellationToken);
    }

    private bool Fail(JobEntity job, string error, DateTimeOffset now)
    {
        if (job.JobStatus != JobStatus.Queued)
        {
            return false;
        }

        job.Error = error;
        job.Finish(JobStatus.Failed, now, options.CurrentValue.ResultTtl);
        return true;
    }

    private async Task<JobChange> ChangeAsync(string id, Func<JobEntity, bool> change, CancellationToken cancellationToken)
    {
        var live = await FindLiveAsync(id, cancellationToken).ConfigureAwait(false);
        if (live is null)
        {
            return new JobChange(JobChangeOutcome.NotFound, null);
        }

        var (job, changed) = await store.UpdateAsync(id, change, live, cancellationToken).ConfigureAwait(false);
        return job is null
            ? new JobChange(JobChangeOutcome.NotFound, null)
            : new JobChange(changed ? JobChangeOutcome.Changed : JobChangeOutcome.Conflict, job.ToJob());
    }

    private async Task<JobEntity?> FindLiveAsync(string id, CancellationToken cancellationToken)
    {
        if (!JobIds.IsValid(id))
        {
            return null;
        }

        var job = await store.FindAsync(id, cancellationToken).ConfigureAwait(false);
        return job is not null && job.ExpiresAt > time.GetUtcNow() ? job : null;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Enqueueing {Count} jobs failed; the records written so far were deleted")]
    private partial void LogEnqueueFailed(Exception ex, int count);
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
