using Tally.Jobs;

namespace Tally.Tests.Jobs;

/// <summary>The guards of <see cref="JobStateMachine"/>, on records in memory: every (status, event) pair as a table, then the guards within a status (runs, due times).</summary>
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

    /// <summary>
    /// Every (status, event) pair and what it does: the status the job enters, or "-" where the event is refused and the
    /// record stays as it was. A row a status, a column an event; the events are each transition of the machine, as the
    /// runner, the API, the poison path and the reviver call them on run 1's record.
    /// </summary>
    private static readonly string[] Table =
    [
        //           Claim      Requeue  Defer   Succeed    Fail    GiveUp  Due     Cancel    Retry   Revive
        "Queued      Running    -        -       -          -       Failed  -       Canceled  -       -",
        "Scheduled   Running    -        -       -          -       Failed  Queued  Canceled  -       -",
        "Running     Running    Queued   Queued  Succeeded  Failed  Failed  -       -         -       Queued",
        "Succeeded   -          -        -       -          -       -       -       -         -       -",
        "Failed      -          -        -       -          -       -       -       -         Queued  -",
        "Canceled    -          -        -       -          -       -       -       -         Queued  -",
    ];

    private static readonly string[] Events = ["Claim", "Requeue", "Defer", "Succeed", "Fail", "GiveUp", "Due", "Cancel", "Retry", "Revive"];

    public static TheoryData<JobStatus, string, string> Transitions()
    {
        var data = new TheoryData<JobStatus, string, string>();
        foreach (var row in Table)
        {
            var cells = row.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            for (var e = 0; e < Events.Length; e++)
            {
                data.Add(Enum.Parse<JobStatus>(cells[0]), Events[e], cells[e + 1]);
            }
        }

        return data;
    }

    [Fact]
    public void TransitionTable_HasEveryStatusAndEveryEvent()
    {
        var rows = Table.Select(row => Enum.Parse<JobStatus>(row.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0])).ToArray();

        Assert.Equal(Enum.GetValues<JobStatus>().Order(), rows.Order());
        Assert.All(Table, row => Assert.Equal(Events.Length + 1, row.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length));
    }

    [Theory]
    [MemberData(nameof(Transitions))]
    public void Transition_EntersTheTablesStatus_OrIsRefusedAndChangesNothing(JobStatus status, string @event, string expected)
    {
        var job = InStatus(status);
        var before = Snapshot(job);

        var changed = Apply(job, @event);

        if (expected == "-")
        {
            Assert.False(changed, $"{@event} of a {status} job should be refused");
            Assert.Equal(before, Snapshot(job));
        }
        else
        {
            Assert.True(changed, $"{@event} of a {status} job should be taken");
            Assert.Equal(Enum.Parse<JobStatus>(expected), job.JobStatus);
        }
    }

    public static TheoryData<JobStatus, string> EveryStatusAndEvent()
    {
        var data = new TheoryData<JobStatus, string>();
        foreach (var status in Enum.GetValues<JobStatus>())
        {
            foreach (var @event in Events)
            {
                data.Add(status, @event);
            }
        }

        return data;
    }

    /// <summary>A record a newer version wrote, in a status this one does not know, set up as <paramref name="shapedAs"/>'s would be.</summary>
    [Theory]
    [MemberData(nameof(EveryStatusAndEvent))]
    public void Transition_OfAStatusThisVersionDoesNotKnow_IsRefusedAndChangesNothing(JobStatus shapedAs, string @event)
    {
        var job = InStatus(shapedAs);
        job.Status = "archived";
        var before = Snapshot(job);

        var changed = Apply(job, @event);

        Assert.False(changed, $"{@event} of an 'archived' job should be refused");
        Assert.Equal(before, Snapshot(job));
        Assert.Equal("archived", job.ToJob().Status);
    }

    /// <summary>A run-1 job in <paramref name="status"/>; a running one is held by message m-1, claimed an hour ago (its worker silent since), a scheduled one is due.</summary>
    private static JobEntity InStatus(JobStatus status)
    {
        var job = Queued(1);
        job.JobStatus = status;
        job.Attempts = status == JobStatus.Queued || status == JobStatus.Scheduled ? 0 : 1;
        job.RunAt = status == JobStatus.Scheduled ? Now.AddMinutes(-1) : null;
        job.ClaimToken = status == JobStatus.Running ? "m-1" : null;
        job.StartedAt = status == JobStatus.Running ? Now.AddHours(-1) : null;
        return job;
    }

    private static bool Apply(JobEntity job, string @event)
    {
        var ttl = TimeSpan.FromDays(1);
        return @event switch
        {
            "Claim" => JobStateMachine.Claim(job, 1, "m-1", Now, ClaimTimeout) == ClaimOutcome.Claimed,
            "Requeue" => JobStateMachine.Requeue(job, "m-1", "503", 503),
            "Defer" => JobStateMachine.Defer(job, "m-1", "paused"),
            "Succeed" => JobStateMachine.Succeed(job, "m-1", 3, 20, "text/plain", 200, Now, ttl),
            "Fail" => JobStateMachine.Fail(job, "m-1", "404", 404, Now, ttl),
            "GiveUp" => JobStateMachine.GiveUp(job, 1, Now, ttl),
            "Due" => JobStateMachine.Due(job, Now),
            "Cancel" => JobStateMachine.Cancel(job, Now, ttl),
            "Retry" => JobStateMachine.Retry(job, 2, Now, ttl),
            "Revive" => JobStateMachine.Revive(job, 1, "m-1", Now, maxRevivals: 3),
            _ => throw new ArgumentOutOfRangeException(nameof(@event), @event, "Not an event of the table."),
        };
    }

    private static string Snapshot(JobEntity job) => System.Text.Json.JsonSerializer.Serialize(job);

    private static JobEntity Queued(int run) => new() { PartitionKey = "p", RowKey = "r", Run = run, ExpiresAt = Now.AddDays(1) };
}
