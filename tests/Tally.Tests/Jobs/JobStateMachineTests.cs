using Tally.Jobs;

namespace Tally.Tests.Jobs;

/// <summary>The guards of <see cref="JobStateMachine"/>, on records in memory: which message may claim a job, and which run a retry starts.</summary>
public sealed class JobStateMachineTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan ClaimTimeout = TimeSpan.FromMinutes(10);

    [Theory]
    [InlineData(2, 1, ClaimOutcome.Stale)] // a message of a run since retried
    [InlineData(2, 3, ClaimOutcome.Ahead)] // a retry's message, sent before its run was saved
    [InlineData(2, 2, ClaimOutcome.Claimed)]
    public void Claim_ComparesTheMessagesRunWithTheRecords(int recordRun, int messageRun, ClaimOutcome expected)
    {
        var job = Queued(recordRun);

        var outcome = JobStateMachine.Claim(job, messageRun, "m-1", Now, ClaimTimeout);

        Assert.Equal(expected, outcome);
        Assert.Equal(expected == ClaimOutcome.Claimed ? JobStatus.Running : JobStatus.Queued, job.JobStatus);
    }

    [Theory]
    [InlineData(JobStatus.Failed, 2)]
    [InlineData(JobStatus.Canceled, 2)]
    [InlineData(JobStatus.Queued, null)]
    [InlineData(JobStatus.Running, null)]
    [InlineData(JobStatus.Succeeded, null)]
    public void NextRun_IsTheRunAfterTheRecords_OnlyForAFailedOrCanceledJob(JobStatus status, int? expected)
    {
        var job = Queued(1);
        job.JobStatus = status;

        Assert.Equal(expected, JobStateMachine.NextRun(job));
    }

    [Theory]
    [InlineData(2, true)]
    [InlineData(3, false)] // not the next run: another retry got there first, or the message is of a later one
    [InlineData(1, false)]
    public void Retry_StartsOnlyTheNextRun(int run, bool started)
    {
        var job = Queued(1);
        job.JobStatus = JobStatus.Failed;

        var changed = JobStateMachine.Retry(job, run, Now, TimeSpan.FromDays(1));

        Assert.Equal(started, changed);
        Assert.Equal(started ? (JobStatus.Queued, 2) : (JobStatus.Failed, 1), (job.JobStatus, job.Run));
    }

    [Theory]
    [InlineData(-1, ClaimOutcome.Claimed, JobStatus.Running)] // due: queued on the way, then claimed
    [InlineData(0, ClaimOutcome.Claimed, JobStatus.Running)]
    [InlineData(1, ClaimOutcome.NotDue, JobStatus.Scheduled)] // this instance's clock says not yet
    public void Claim_OfAScheduledJob_WaitsForItsRunAt(int secondsToRunAt, ClaimOutcome expected, JobStatus status)
    {
        var job = Queued(1);
        job.JobStatus = JobStatus.Scheduled;
        job.RunAt = Now.AddSeconds(secondsToRunAt);

        var outcome = JobStateMachine.Claim(job, 1, "m-1", Now, ClaimTimeout);

        Assert.Equal((expected, status), (outcome, job.JobStatus));
    }

    [Theory]
    [InlineData(JobStatus.Queued, true)]
    [InlineData(JobStatus.Scheduled, true)]
    [InlineData(JobStatus.Running, false)]
    [InlineData(JobStatus.Succeeded, false)]
    public void Cancel_TakesOnlyAJobThatHasNotStarted(JobStatus status, bool canceled)
    {
        var job = Queued(1);
        job.JobStatus = status;
        job.RunAt = Now.AddHours(1);

        Assert.Equal(canceled, JobStateMachine.Cancel(job, Now, TimeSpan.FromDays(1)));
        Assert.Equal(canceled ? JobStatus.Canceled : status, job.JobStatus);
    }

    [Fact]
    public void Due_QueuesAScheduledJob_OnlyOnceItsRunAtHasCome()
    {
        var job = Queued(1);
        job.JobStatus = JobStatus.Scheduled;
        job.RunAt = Now.AddMinutes(1);

        var early = JobStateMachine.Due(job, Now);
        var due = JobStateMachine.Due(job, Now.AddMinutes(1));

        Assert.Equal((false, true, JobStatus.Queued), (early, due, job.JobStatus));
    }

    private static JobEntity Queued(int run) => new() { PartitionKey = "p", RowKey = "r", Run = run, ExpiresAt = Now.AddDays(1) };
}
