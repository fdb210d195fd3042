using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tally.Fetching;
using Tally.Telemetry;

namespace Tally.Jobs;

/// <summary>Runs a job from its queue message: fetch the page, count its words, record the result.</summary>
/// <remarks>
/// Safe to run twice for one message: a job already final is skipped, and the result is saved
/// only over a job that is not final, checked by ETag, so a redelivery never counts twice or
/// overwrites a finished result.
/// </remarks>
public sealed partial class JobRunner(
    JobStore store, PageCounter pages, IOptionsMonitor<JobsOptions> options, TimeProvider time, TallyMetrics metrics, ILogger<JobRunner> logger)
{
    /// <summary>Runs the job a <c>tally-jobs</c> message names.</summary>
    /// <exception cref="JobRetryException">A transient failure: the queue should deliver the message again.</exception>
    public async Task RunAsync(string messageText, CancellationToken cancellationToken)
    {
        if (JobMessage.Parse(messageText) is not { } message)
        {
            LogMalformed(JobStorage.QueueName, messageText);
            return;
        }

        using var scope = logger.BeginScope(new Dictionary<string, object> { ["JobId"] = message.JobId });
        var (job, claimed) = await store.UpdateAsync(message.JobId, Claim, null, cancellationToken).ConfigureAwait(false);
        if (job is null || !claimed)
        {
            LogSkipped(message.JobId, job?.Status ?? "gone");
            return;
        }

        PageCount page;
        try
        {
            page = await pages.CountAsync(new Uri(job.Url), cancellationToken).ConfigureAwait(false);
        }
        catch (FetchFailedException ex) when (ex.IsTransient)
        {
            await store.UpdateAsync(job.Id, j => Requeue(j, ex), job, CancellationToken.None).ConfigureAwait(false);
            LogTransient(job.Id, job.Attempts, ex.Message);
            throw new JobRetryException(job.Id, ex);
        }
        catch (FetchFailedException ex)
        {
            await FinishAsync(job, j => Fail(j, ex.Message, ex.HttpStatus)).ConfigureAwait(false);
            return;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Not a failure Tally knows: a bug is not fixed by retrying, so the job fails now, saying what happened.
            LogUnexpected(ex, job.Id);
            await FinishAsync(job, j => Fail(j, $"Tally could not count the page ({ex.GetType().Name}): {ex.Message}", null)).ConfigureAwait(false);
            return;
        }

        await FinishAsync(job, j => Succeed(j, page)).ConfigureAwait(false);
    }

    /// <summary>Marks failed, with its last error, the job whose message the host moved to the poison queue.</summary>
    public async Task GiveUpAsync(string messageText, CancellationToken cancellationToken)
    {
        if (JobMessage.Parse(messageText) is not { } message)
        {
            LogMalformed(JobStorage.PoisonQueueName, messageText);
            return;
        }

        using var scope = logger.BeginScope(new Dictionary<string, object> { ["JobId"] = message.JobId });
        var (job, failed) = await store.UpdateAsync(
            message.JobId,
            j => Fail(j, j.Error ?? $"The job failed on all of its {j.Attempts} attempts.", j.HttpStatus),
            null,
            cancellationToken).ConfigureAwait(false);
        if (failed)
        {
            metrics.JobFinished(JobStatus.Failed.ToName());
            LogGaveUp(message.JobId, job!.Attempts, job.Error);
        }
    }

    private bool Claim(JobEntity job)
    {
        if (job.JobStatus.IsFinal() || job.ExpiresAt <= time.GetUtcNow())
        {
            return false;
        }

        job.JobStatus = JobStatus.Running;
        job.Attempts++;
        job.StartedAt = time.GetUtcNow();
        return true;
    }

    private static bool Requeue(JobEntity job, FetchFailedException ex)
    {
        if (job.JobStatus.IsFinal())
        {
            return false;
        }

        job.JobStatus = JobStatus.Queued;
        job.Error = ex.Message;
        job.HttpStatus = ex.HttpStatus;
        return true;
    }

    private bool Succeed(JobEntity job, PageCount page)
    {
        if (job.JobStatus.IsFinal())
        {
            return false;
        }

        job.Words = page.Words;
        job.Bytes = page.Bytes;
        job.ContentType = page.ContentType;
        job.HttpStatus = page.HttpStatus;
        job.Error = null;
        job.Finish(JobStatus.Succeeded, time.GetUtcNow(), options.CurrentValue.ResultTtl);
        return true;
    }

    private bool Fail(JobEntity job, string error, int? httpStatus)
    {
        if (job.JobStatus.IsFinal())
        {
            return false;
        }

        job.Error = error;
        job.HttpStatus = httpStatus;
        job.Finish(JobStatus.Failed, time.GetUtcNow(), options.CurrentValue.ResultTtl);
        return true;
    }

    private async Task FinishAsync(JobEntity claimed, Func<JobEntity, bool> finish)
    {
        // Not canceled with the invocation: the work is done, and losing its result would cost a refetch.
        var (job, finished) = await store.UpdateAsync(claimed.Id, finish, claimed, CancellationToken.None).ConfigureAwait(false);
        if (finished)
        {
            metrics.JobFinished(job!.Status);
            LogFinished(job.Id, job.Status, job.Words, job.Attempts);
        }
        else
        {
            LogSkipped(claimed.Id, job?.Status ?? "gone");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignored a message on {Queue} that is not a job message: {Message}")]
    private partial void LogMalformed(string queue, string message);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobId} failed unexpectedly")]
    private partial void LogUnexpected(Exception exception, string jobId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} skipped: it is {Status}")]
    private partial void LogSkipped(string jobId, string status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} attempt {Attempt} failed and will be retried: {Error}")]
    private partial void LogTransient(string jobId, int attempt, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} {Status}: {Words} words after {Attempts} attempt(s)")]
    private partial void LogFinished(string jobId, string status, long? words, int attempts);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobId} failed after {Attempts} attempt(s): {Error}")]
    private partial void LogGaveUp(string jobId, int attempts, string? error);
}

/// <summary>A job failed transiently; thrown so the queue delivers its message again.</summary>
public sealed class JobRetryException(string jobId, FetchFailedException inner)
    : Exception($"Job {jobId} failed transiently and will be retried: {inner.Message}", inner);
