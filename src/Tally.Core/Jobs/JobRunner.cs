using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tally.Fetching;
using Tally.Telemetry;

namespace Tally.Jobs;

/// <summary>Runs a job from its queue message: claim it, fetch the page, count its words, record the result.</summary>
/// <remarks>
/// Safe however often, and however concurrently, a message is delivered: a claim is one ETag-checked
/// write, only the delivery holding the claim may finish the job, and a message of an earlier run
/// does nothing (see <see cref="JobStateMachine"/>). So a redelivery never counts twice or overwrites
/// a finished result, and a job left running by a dead worker is taken over when its message returns.
/// </remarks>
public sealed partial class JobRunner(
    JobStore store, PageCounter pages, IOptionsMonitor<JobsOptions> options, TimeProvider time, TallyMetrics metrics, JobThroughput throughput, ILogger<JobRunner> logger)
{
    /// <summary>Runs the job a <c>tally-jobs</c> message names.</summary>
    /// <param name="messageText">The message.</param>
    /// <param name="messageId">The queue's id for the message, the same for each of its deliveries: the token that claims the job.</param>
    /// <param name="cancellationToken">Canceled when the host stops the function.</param>
    /// <remarks>
    /// A message of an earlier run, for a finished job, or meeting another message's live claim is dropped:
    /// the claim's own message carries the job on (if its worker dies, it comes back and claims again).
    /// </remarks>
    /// <exception cref="JobRetryException">A transient failure: deliver the message again.</exception>
    public async Task RunAsync(string messageText, string messageId, CancellationToken cancellationToken)
    {
        if (JobMessage.Parse(messageText) is not { } message)
        {
            LogMalformed(JobStorage.QueueName, messageText);
            return;
        }

        using var scope = logger.BeginScope(new Dictionary<string, object> { ["JobId"] = message.JobId, ["Run"] = message.Run });
        var outcome = ClaimOutcome.Finished;
        var (job, claimed) = await store.UpdateAsync(
            message.JobId,
            j => (outcome = JobStateMachine.Claim(j, message.Run, messageId, time.GetUtcNow(), options.CurrentValue.ClaimTimeout)) == ClaimOutcome.Claimed,
            null,
            cancellationToken).ConfigureAwait(false);
        if (job is null || !claimed)
        {
            LogSkipped(message.JobId, message.Run, job is null ? "gone" : outcome.ToString().ToLowerInvariant());
            return;
        }

        PageCount page;
        try
        {
            page = await pages.CountAsync(new Uri(job.Url), cancellationToken).ConfigureAwait(false);
        }
        catch (FetchFailedException ex) when (ex.IsTransient)
        {
            await SaveAsync(job, j => JobStateMachine.Requeue(j, messageId, ex.Message, ex.HttpStatus)).ConfigureAwait(false);
            LogTransient(job.Id, job.Attempts, ex.Message);
            throw new JobRetryException(job.Id, ex.Message, ex);
        }
        catch (FetchFailedException ex)
        {
            await FinishAsync(job, j => JobStateMachine.Fail(j, messageId, ex.Message, ex.HttpStatus, time.GetUtcNow(), Ttl)).ConfigureAwait(false);
            return;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Not a failure Tally knows: a bug is not fixed by retrying, so the job fails now, saying what happened.
            LogUnexpected(ex, job.Id);
            await FinishAsync(job, j => JobStateMachine.Fail(j, messageId, $"Tally could not count the page ({ex.GetType().Name}): {ex.Message}", null, time.GetUtcNow(), Ttl)).ConfigureAwait(false);
            return;
        }

        await FinishAsync(job, j => JobStateMachine.Succeed(j, messageId, page.Words, page.Bytes, page.ContentType, page.HttpStatus, time.GetUtcNow(), Ttl)).ConfigureAwait(false);
    }

    /// <summary>Marks failed, with its last error, the job whose message the host moved to the poison queue.</summary>
    public async Task GiveUpAsync(string messageText, CancellationToken cancellationToken)
    {
        if (JobMessage.Parse(messageText) is not { } message)
        {
            LogMalformed(JobStorage.PoisonQueueName, messageText);
            return;
        }

        using var scope = logger.BeginScope(new Dictionary<string, object> { ["JobId"] = message.JobId, ["Run"] = message.Run });
        var (job, failed) = await store.UpdateAsync(
            message.JobId, j => JobStateMachine.GiveUp(j, message.Run, time.GetUtcNow(), Ttl), null, cancellationToken).ConfigureAwait(false);
        if (failed)
        {
            metrics.JobFinished(JobStatus.Failed.ToName());
            throughput.JobFinished(JobStatus.Failed.ToName());
            LogGaveUp(message.JobId, job!.Attempts, job.Error);
        }
    }

    private TimeSpan Ttl => options.CurrentValue.ResultTtl;

    /// <summary>Saves a change to a claimed job. Not canceled with the invocation: the work is done, and losing its outcome would cost a refetch.</summary>
    private Task<(JobEntity? Job, bool Changed)> SaveAsync(JobEntity claimed, Func<JobEntity, bool> change) =>
        store.UpdateAsync(claimed.Id, change, claimed, CancellationToken.None);

    private async Task FinishAsync(JobEntity claimed, Func<JobEntity, bool> finish)
    {
        var (job, finished) = await SaveAsync(claimed, finish).ConfigureAwait(false);
        if (finished)
        {
            metrics.JobFinished(job!.Status);
            throughput.JobFinished(job.Status, job.Words ?? 0, job.Bytes ?? 0);
            LogFinished(job.Id, job.Status, job.Words, job.Attempts);
        }
        else
        {
            LogSkipped(claimed.Id, claimed.Run, job?.Status ?? "gone");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignored a message on {Queue} that is not a job message: {Message}")]
    private partial void LogMalformed(string queue, string message);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} run {Run} skipped: {Reason}")]
    private partial void LogSkipped(string jobId, int run, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} attempt {Attempt} failed and will be retried: {Error}")]
    private partial void LogTransient(string jobId, int attempt, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} {Status}: {Words} words after {Attempts} attempt(s)")]
    private partial void LogFinished(string jobId, string status, long? words, int attempts);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobId} failed after {Attempts} attempt(s): {Error}")]
    private partial void LogGaveUp(string jobId, int attempts, string? error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobId} failed unexpectedly")]
    private partial void LogUnexpected(Exception exception, string jobId);
}

/// <summary>A job failed transiently: its message must be delivered again.</summary>
public sealed class JobRetryException(string jobId, string reason, Exception? inner = null)
    : Exception($"Job {jobId} will be delivered again: {reason}", inner);
