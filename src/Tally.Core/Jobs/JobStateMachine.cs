namespace Tally.Jobs;

/// <summary>
/// Every change a job's record can go through, each with its guard, in one place: the runner, the
/// API and the poison path all change jobs through these methods and nothing else.
/// </summary>
/// <remarks>
/// <code>
/// scheduled ──due──▶ queued (a claim at or after runAt passes through it)
///   └──cancel──▶ canceled
/// queued ──claim──▶ running ──succeed──▶ succeeded
///   │  ▲              │ │ └────fail─────▶ failed ──retry──▶ queued (next run)
///   │  ├──requeue─────┤ └──give up──────▶ failed
///   │  └──revive──────┘ (next run: its worker died)
///   └──cancel──▶ canceled ──retry──▶ queued (next run)
/// </code>
/// A job's <see cref="JobEntity.Run"/> counts its runs: a retry sends a message naming the next one,
/// then starts it, so a message of an earlier run is stale and changes nothing, and one of a run not
/// yet saved waits for it. A claim holds the job for one message (<see cref="JobEntity.ClaimToken"/>
/// is its id): only a delivery of that message may requeue, succeed or fail it. Each method returns false, changing nothing, when its
/// guard does not hold; every guard refuses a record whose status this version does not know.
/// </remarks>
public static class JobStateMachine
{
    /// <summary>Claims a job for a delivery of its run-<paramref name="run"/> message.</summary>
    /// <param name="job">The job as stored.</param>
    /// <param name="run">The run the message names.</param>
    /// <param name="token">The message's id: the same for every delivery of one message.</param>
    /// <param name="now">The time.</param>
    /// <param name="claimTimeout">How long a claim holds: after it, the worker that made it is certainly gone.</param>
    public static ClaimOutcome Claim(JobEntity job, int run, string token, DateTimeOffset now, TimeSpan claimTimeout)
    {
        if (run > job.Run)
        {
            return ClaimOutcome.Ahead;
        }

        if (run < job.Run)
        {
            return ClaimOutcome.Stale;
        }

        if (job.JobStatus.IsFinal() || JobVisibility.IsExpired(job, now))
        {
            return ClaimOutcome.Finished;
        }

        if (job.JobStatus == JobStatus.Scheduled && !Due(job, now))
        {
            return ClaimOutcome.NotDue;
        }

        if (job.JobStatus == JobStatus.Running && job.ClaimToken != token && job.StartedAt + claimTimeout > now)
        {
            return ClaimOutcome.Busy;
        }

        // Queued; or running under this very message, whose earlier delivery failed or died (the host
        // delivers a message again only then); or under a claim that outlived its worker.
        job.JobStatus = JobStatus.Running;
        job.ClaimToken = token;
        job.Attempts++;
        job.StartedAt = now;
        return ClaimOutcome.Claimed;
    }

    /// <summary>Puts a claimed job back to queued after a transient failure, keeping the error; the queue delivers it again.</summary>
    public static bool Requeue(JobEntity job, string token, string error, int? httpStatus)
    {
        if (!HoldsClaim(job, token))
        {
            return false;
        }

        job.JobStatus = JobStatus.Queued;
        job.ClaimToken = null;
        job.Error = error;
        job.HttpStatus = httpStatus;
        return true;
    }

    /// <summary>
    /// Puts a claimed job back to queued because its origin asked Tally to wait (or its limits were busy): the attempt its
    /// claim took is given back, as the page was never fetched; a hidden message carries it on.
    /// </summary>
    public static bool Defer(JobEntity job, string token, string reason)
    {
        if (!HoldsClaim(job, token))
        {
            return false;
        }

        job.JobStatus = JobStatus.Queued;
        job.ClaimToken = null;
        job.Attempts--;
        job.Error = reason;
        return true;
    }

    /// <summary>Records a claimed job's count; <paramref name="revalidated"/> when a <c>304</c> confirmed the count kept from the URL's last fetch.</summary>
    public static bool Succeed(JobEntity job, string token, long words, long bytes, string? contentType, int httpStatus, DateTimeOffset now, TimeSpan ttl, bool revalidated = false)
    {
        if (!HoldsClaim(job, token))
        {
            return false;
        }

        job.Words = words;
        job.Bytes = bytes;
        job.ContentType = contentType;
        job.HttpStatus = httpStatus;
        job.Revalidated = revalidated ? true : null;
        job.Error = null;
        Finish(job, JobStatus.Succeeded, now, ttl);
        return true;
    }

    /// <summary>Fails a claimed job for good, keeping the <c>Content-Type</c> the origin sent when the page failed for what it is.</summary>
    public static bool Fail(JobEntity job, string token, string error, int? httpStatus, DateTimeOffset now, TimeSpan ttl, string? contentType = null)
    {
        if (!HoldsClaim(job, token))
        {
            return false;
        }

        job.Error = error;
        job.HttpStatus = httpStatus;
        job.ContentType = contentType;
        Finish(job, JobStatus.Failed, now, ttl);
        return true;
    }

    /// <summary>Fails the job whose run-<paramref name="run"/> message ran out of deliveries, with its last error.</summary>
    /// <remarks>
    /// Running or queued alike: the message that ran out was the one carrying the job (a message meeting
    /// another's live claim is dropped, never retried, so it cannot run out).
    /// </remarks>
    public static bool GiveUp(JobEntity job, int run, DateTimeOffset now, TimeSpan ttl)
    {
        if (job.Run != run || job.JobStatus.IsFinal())
        {
            return false;
        }

        job.Error ??= $"The job failed on all of its {job.Attempts} attempts.";
        Finish(job, JobStatus.Failed, now, ttl);
        return true;
    }

    /// <summary>Queues a scheduled job whose <see cref="JobEntity.RunAt"/> has come.</summary>
    public static bool Due(JobEntity job, DateTimeOffset now)
    {
        if (job.JobStatus != JobStatus.Scheduled || job.RunAt > now)
        {
            return false;
        }

        job.JobStatus = JobStatus.Queued;
        return true;
    }

    /// <summary>Cancels a job that has not started: queued, or scheduled and not yet due.</summary>
    public static bool Cancel(JobEntity job, DateTimeOffset now, TimeSpan ttl)
    {
        if (!CanCancel(job.JobStatus))
        {
            return false;
        }

        Finish(job, JobStatus.Canceled, now, ttl);
        return true;
    }

    /// <summary>The run a retry of <paramref name="job"/> would start, or null when it cannot be retried (it has not failed or been canceled, or its status is one this version does not know).</summary>
    public static int? NextRun(JobEntity job) => CanRetry(job.JobStatus) && JobStatusNames.TryParse(job.Status, out _) ? job.Run + 1 : null;

    /// <summary>Whether a job in <paramref name="status"/> may be canceled: it has not started (queued, or scheduled and not yet due).</summary>
    public static bool CanCancel(JobStatus status) => status is JobStatus.Queued or JobStatus.Scheduled;

    /// <summary>Whether a job in <paramref name="status"/> may be retried: it failed or was canceled.</summary>
    public static bool CanRetry(JobStatus status) => status is JobStatus.Failed or JobStatus.Canceled;

    /// <summary>Starts run <paramref name="run"/> of a failed or canceled job, if that is its next run; the run's message was sent before.</summary>
    public static bool Retry(JobEntity job, int run, DateTimeOffset now, TimeSpan ttl)
    {
        if (NextRun(job) != run)
        {
            return false;
        }

        job.Run = run;
        job.Revivals = 0;
        job.JobStatus = JobStatus.Queued;
        job.ClaimToken = null;
        job.Error = null;
        job.Words = job.Bytes = job.PoliteWaitMs = null;
        job.Revalidated = null;
        job.ContentType = null;
        job.HttpStatus = null;
        job.StartedAt = job.FinishedAt = null;
        job.EnqueuedAt = now;
        job.ExpiresAt = now + ttl;
        return true;
    }

    /// <summary>
    /// Starts the next run of a job whose worker died holding it: it was found <paramref name="run"/>'s, running under
    /// claim <paramref name="token"/> made before <paramref name="staleBefore"/> with no sign of life since, and it has
    /// not yet been revived <paramref name="maxRevivals"/> times. The run's message was sent before, as a retry's is; a
    /// delivery of the dead claim's message then finds its run stale, and the dead worker, if it was only slow, no longer
    /// holds the claim, so it cannot record a result.
    /// </summary>
    public static bool Revive(JobEntity job, int run, string token, DateTimeOffset staleBefore, int maxRevivals)
    {
        if (!CanRevive(job, run, token, staleBefore, maxRevivals))
        {
            return false;
        }

        job.Run = run + 1;
        job.Revivals++;
        job.JobStatus = JobStatus.Queued;
        job.ClaimToken = null;
        job.Error = $"The worker running attempt {job.Attempts} stopped showing it was alive; the job runs again.";
        return true;
    }

    /// <summary>Whether <see cref="Revive"/> would start the next run of <paramref name="job"/>: the guard, for the reviver to decide before it sends the run's message.</summary>
    public static bool CanRevive(JobEntity job, int run, string token, DateTimeOffset staleBefore, int maxRevivals) =>
        job.Run == run && HoldsClaim(job, token) && job.StartedAt < staleBefore && job.Revivals < maxRevivals;

    private static bool HoldsClaim(JobEntity job, string token) => job.JobStatus == JobStatus.Running && job.ClaimToken == token;

    private static void Finish(JobEntity job, JobStatus status, DateTimeOffset now, TimeSpan ttl)
    {
        job.JobStatus = status;
        job.ClaimToken = null;
        job.FinishedAt = now;
        job.ExpiresAt = now + ttl;
    }
}

/// <summary>What claiming a job for a delivery found.</summary>
public enum ClaimOutcome
{
    /// <summary>The delivery holds the job: fetch and count it.</summary>
    Claimed,

    /// <summary>The message names an earlier run (the job was retried since): drop it.</summary>
    Stale,

    /// <summary>
    /// The message names a run its record has not reached: a retry's message is sent before its run is saved. Deliver it
    /// again; if the run was never saved, the message runs out of deliveries and its give-up changes nothing.
    /// </summary>
    Ahead,

    /// <summary>The job is final or expired: drop the message.</summary>
    Finished,

    /// <summary>Another message of this run holds a live claim, and will carry the job on: drop this one.</summary>
    Busy,

    /// <summary>
    /// The job is scheduled and its <c>runAt</c> has not come by this instance's clock (its message was due by the
    /// sender's): deliver it again.
    /// </summary>
    NotDue,
}
