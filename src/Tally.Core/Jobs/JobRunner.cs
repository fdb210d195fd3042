using Azure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tally.Callbacks;
using Tally.Fetching;
using Tally.Politeness;
using Tally.Telemetry;
using Tally.Time;

namespace Tally.Jobs;

/// <summary>Runs a job from its queue message: claim it, fetch the page, count its words, record the result.</summary>
/// <remarks>
/// Safe however often, and however concurrently, a message is delivered: a claim is one ETag-checked
/// write, only the delivery holding the claim may finish the job, and a message of an earlier run
/// does nothing (see <see cref="JobStateMachine"/>). So a redelivery never counts twice or overwrites
/// a finished result, and a job left running by a dead worker is taken over when its message returns.
/// </remarks>
public sealed partial class JobRunner(
    JobRecords records, JobQueue queue, RevalidatingFetcher pages, CallbackService callbacks, IOptionsMonitor<JobsOptions> options, TimeProvider time, TallyMetrics metrics, JobThroughput throughput, JobHeartbeat heartbeat, ILogger<JobRunner> logger)
{
    /// <summary>Runs the jobs a <c>tally-jobs</c> message names, all at once.</summary>
    /// <param name="messageText">The message.</param>
    /// <param name="messageId">The queue's id for the message, the same for each of its deliveries: the token that claims its jobs.</param>
    /// <param name="cancellationToken">Canceled when the host stops the function.</param>
    /// <remarks>
    /// For each job, a message of an earlier run, for a finished job, or meeting another message's live claim does
    /// nothing: the claim's own message carries the job on (if its worker dies, it comes back and claims again).
    /// When a job of a group fails transiently, the others still finish, then the message is delivered again:
    /// the finished ones are skipped then, and only that job is fetched again.
    /// </remarks>
    /// <exception cref="JobRetryException">A transient failure: deliver the message again.</exception>
    public async Task RunAsync(string messageText, string messageId, CancellationToken cancellationToken)
    {
        if (JobMessage.ParseAll(messageText) is not { } jobs)
        {
            LogMalformed(JobStorage.QueueName, messageText);
            return;
        }

        if (jobs.Max(job => job.RunAt) is { } runAt && time.GetUtcNow() is var now && runAt > now)
        {
            // Early: a queue hides a message at most a week. The message goes on hiding, as a new one, for the time left.
            await queue.SendAsync(jobs, QueueDelay.Until(runAt, now), cancellationToken).ConfigureAwait(false);
            LogNotDue(jobs[0].JobId, runAt);
            return;
        }

        await using var alive = heartbeat.Start(jobs).ConfigureAwait(false); // while it runs, the delivery shows its jobs are alive (see JobReviver)

        // A group is claimed with one query, one index row (shared with other deliveries') and one transaction, not with
        // calls a job; if another writer got there first, each job is claimed on its own, as a one-job message is.
        // Their results are written together too: a result waits briefly for the others (GroupWriter), and a write takes all that came.
        var claims = jobs.Count > 1 ? await ClaimGroupAsync(jobs, messageId, cancellationToken).ConfigureAwait(false) : null;
        var writer = new GroupWriter(records, claims?.Count(c => c.Outcome == ClaimOutcome.Claimed) ?? 0);
        await Task.WhenAll(jobs.Select((job, i) => claims is null ? RunOneAsync(job, messageId, cancellationToken)
            : claims[i].Outcome == ClaimOutcome.Claimed ? RunClaimedAsync(job, claims[i].Job!, messageId, writer.SaveAsync, cancellationToken)
            : NotClaimedAsync(job, claims[i].Job, claims[i].Outcome))).ConfigureAwait(false);
    }

    /// <summary>Claims a group's jobs at once; null to claim them one at a time.</summary>
    private async Task<(JobEntity? Job, ClaimOutcome Outcome)[]?> ClaimGroupAsync(IReadOnlyList<JobMessage> jobs, string messageId, CancellationToken cancellationToken)
    {
        var runs = jobs.ToDictionary(j => j.JobId, j => j.Run);
        var outcomes = new Dictionary<string, ClaimOutcome>();
        var now = time.GetUtcNow();
        var results = await records.UpdateGroupAsync(
            [.. jobs.Select(j => j.JobId)],
            j => (outcomes[j.Id] = JobStateMachine.Claim(j, runs[j.Id], messageId, now, options.CurrentValue.ClaimTimeout)) == ClaimOutcome.Claimed,
            cancellationToken).ConfigureAwait(false);
        if (results is null)
        {
            return null;
        }

        return [.. results.Select(r => (r.Job, r.Job is null ? ClaimOutcome.Finished : outcomes[r.Job.Id]))];
    }

    private async Task RunOneAsync(JobMessage message, string messageId, CancellationToken cancellationToken)
    {
        var outcome = ClaimOutcome.Finished;
        var (job, claimed) = await records.UpdateAsync(
            message.JobId,
            j => (outcome = JobStateMachine.Claim(j, message.Run, messageId, time.GetUtcNow(), options.CurrentValue.ClaimTimeout)) == ClaimOutcome.Claimed,
            null,
            cancellationToken).ConfigureAwait(false);
        if (job is null || !claimed)
        {
            await NotClaimedAsync(message, job, outcome).ConfigureAwait(false);
            return;
        }

        await RunClaimedAsync(message, job, messageId, (claimed, change) => records.UpdateAsync(claimed.Id, change, claimed, CancellationToken.None), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// What a delivery does with a job it did not claim: a run not saved yet is waited for (the message comes again); a
    /// final job's callback is recorded again, as the delivery that finished it may have died before it did; anything
    /// else is dropped.
    /// </summary>
    /// <exception cref="JobRetryException">The message is ahead of its record: deliver it again.</exception>
    private async Task NotClaimedAsync(JobMessage message, JobEntity? job, ClaimOutcome outcome)
    {
        LogSkipped(message.JobId, message.Run, job is null ? "gone" : outcome.ToString().ToLowerInvariant());
        if (outcome is ClaimOutcome.Ahead or ClaimOutcome.NotDue)
        {
            throw new JobRetryException(message.JobId, outcome == ClaimOutcome.Ahead ? $"run {message.Run} is not saved yet" : "it is not due yet");
        }

        if (outcome == ClaimOutcome.Finished && job?.Run == message.Run)
        {
            await callbacks.JobFinalAsync(job, CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>Saves a change to a claimed job. Not canceled with the invocation: the work is done, and losing its outcome would cost a refetch.</summary>
    private delegate Task<(JobEntity? Job, bool Changed)> Saver(JobEntity claimed, Func<JobEntity, bool> change);

    /// <summary>Fetches and counts a claimed job's page, and records the result with <paramref name="save"/>.</summary>
    private async Task RunClaimedAsync(JobMessage message, JobEntity job, string messageId, Saver save, CancellationToken cancellationToken)
    {
        await Task.Yield(); // the jobs of a message run at once
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["JobId"] = message.JobId, ["Run"] = message.Run });

        var waited = PoliteWait.Begin();
        PageCount page;
        try
        {
            page = await pages.CountAsync(new Uri(job.Url), Ttl, cancellationToken).ConfigureAwait(false);
        }
        catch (OriginPausedException ex)
        {
            await DeferAsync(message, job, messageId, save, ex, waited.Total).ConfigureAwait(false);
            return;
        }
        catch (FetchFailedException ex) when (ex.IsTransient)
        {
            await save(job, AfterWaiting(waited.Total, j => JobStateMachine.Requeue(j, messageId, ex.Message, ex.HttpStatus))).ConfigureAwait(false);
            LogTransient(job.Id, job.Attempts, ex.Message);
            throw new JobRetryException(job.Id, ex.Message, ex);
        }
        catch (FetchFailedException ex)
        {
            await FinishAsync(job, messageId, save, AfterWaiting(waited.Total, j => JobStateMachine.Fail(j, messageId, ex.Message, ex.HttpStatus, time.GetUtcNow(), Ttl, ex.ContentType))).ConfigureAwait(false);
            return;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Not a failure Tally knows: a bug is not fixed by retrying, so the job fails now, saying what happened.
            LogUnexpected(ex, job.Id);
            await FinishAsync(job, messageId, save, j => JobStateMachine.Fail(j, messageId, $"Tally could not count the page ({ex.GetType().Name}): {ex.Message}", null, time.GetUtcNow(), Ttl)).ConfigureAwait(false);
            return;
        }

        await FinishAsync(job, messageId, save, AfterWaiting(waited.Total, j => JobStateMachine.Succeed(j, messageId, page.Words, page.Bytes, page.ContentType, page.HttpStatus, time.GetUtcNow(), Ttl, page.Revalidated))).ConfigureAwait(false);
    }

    /// <summary>
    /// Puts a claimed job off until its origin's pause ends, without spending an attempt: the job goes back to queued
    /// with the claim's attempt given back, then a message hidden until then carries it on. Saved first, so the new
    /// message never meets the old claim; if the send fails, this delivery throws and its own message, still held,
    /// comes back and claims the queued job.
    /// </summary>
    private async Task DeferAsync(JobMessage message, JobEntity job, string messageId, Saver save, OriginPausedException pause, TimeSpan waited)
    {
        var delay = pause.Remaining < OriginPausedException.Shortest ? OriginPausedException.Shortest : pause.Remaining;
        var (_, deferred) = await save(job, AfterWaiting(waited + delay, j => JobStateMachine.Defer(j, messageId, pause.Message))).ConfigureAwait(false);
        if (deferred)
        {
            await queue.SendAsync([message], delay, CancellationToken.None).ConfigureAwait(false);
            LogDeferred(job.Id, delay.TotalSeconds, pause.Message);
        }
    }

    /// <summary>A change that also adds the time the run waited for its origin to the job's <see cref="JobEntity.PoliteWaitMs"/>.</summary>
    private static Func<JobEntity, bool> AfterWaiting(TimeSpan waited, Func<JobEntity, bool> change) => j =>
    {
        if (!change(j))
        {
            return false;
        }

        if (waited >= TimeSpan.FromMilliseconds(1))
        {
            j.PoliteWaitMs = (j.PoliteWaitMs ?? 0) + (long)waited.TotalMilliseconds;
        }

        return true;
    };

    /// <summary>Marks failed, with its last error, each unfinished job of a message the host moved to the poison queue.</summary>
    public async Task GiveUpAsync(string messageText, CancellationToken cancellationToken)
    {
        if (JobMessage.ParseAll(messageText) is not { } jobs)
        {
            LogMalformed(JobStorage.PoisonQueueName, messageText);
            return;
        }

        foreach (var job in jobs)
        {
            await GiveUpOneAsync(job, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task GiveUpOneAsync(JobMessage message, CancellationToken cancellationToken)
    {
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["JobId"] = message.JobId, ["Run"] = message.Run });
        var (job, failed) = await records.UpdateAsync(
            message.JobId, j => JobStateMachine.GiveUp(j, message.Run, time.GetUtcNow(), Ttl), null, cancellationToken).ConfigureAwait(false);
        if (job?.Run == message.Run)
        {
            await callbacks.JobFinalAsync(job, CancellationToken.None).ConfigureAwait(false); // again on a redelivery, if this died first
        }

        if (failed)
        {
            metrics.JobFinished(JobStatus.Failed.ToName());
            throughput.JobFinished(JobStatus.Failed.ToName());
            LogGaveUp(message.JobId, job!.Attempts, job.Error);
        }
    }

    private TimeSpan Ttl => options.CurrentValue.ResultTtl;

    private async Task FinishAsync(JobEntity claimed, string messageId, Saver save, Func<JobEntity, bool> finish)
    {
        (JobEntity? Job, bool Changed) saved;
        try
        {
            saved = await save(claimed, finish).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 400)
        {
            // Storage refused this record as it is (whatever StoredText let through): it fails alone, read again, saying so.
            LogRejected(ex, claimed.Id);
            var error = $"Tally could not store this page's result (storage answered {ex.ErrorCode ?? "400"}); the page itself may be fine.";
            saved = await records.UpdateAsync(claimed.Id, j => JobStateMachine.Fail(j, messageId, error, claimed.HttpStatus, time.GetUtcNow(), Ttl), null, CancellationToken.None).ConfigureAwait(false);
        }

        var (job, finished) = saved;
        if (finished)
        {
            await callbacks.JobFinalAsync(job!, CancellationToken.None).ConfigureAwait(false);
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}'s message came before its time, {RunAt}, and was sent again for the time left")]
    private partial void LogNotDue(string jobId, DateTimeOffset runAt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} run {Run} skipped: {Reason}")]
    private partial void LogSkipped(string jobId, int run, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} attempt {Attempt} failed and will be retried: {Error}")]
    private partial void LogTransient(string jobId, int attempt, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} put off for {Seconds:0.#} s without spending an attempt: {Reason}")]
    private partial void LogDeferred(string jobId, double seconds, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} {Status}: {Words} words after {Attempts} attempt(s)")]
    private partial void LogFinished(string jobId, string status, long? words, int attempts);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobId} failed after {Attempts} attempt(s): {Error}")]
    private partial void LogGaveUp(string jobId, int attempts, string? error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobId}'s result was refused by storage; the job fails alone")]
    private partial void LogRejected(Exception exception, string jobId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobId} failed unexpectedly")]
    private partial void LogUnexpected(Exception exception, string jobId);
}

/// <summary>A job failed transiently: its message must be delivered again.</summary>
public sealed class JobRetryException(string jobId, string reason, Exception? inner = null)
    : Exception($"Job {jobId} will be delivered again: {reason}", inner);
