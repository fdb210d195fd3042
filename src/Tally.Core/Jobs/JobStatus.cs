namespace Tally.Jobs;

/// <summary>Where a job is in its life: (scheduled →) queued → running → succeeded, failed or canceled.</summary>
public enum JobStatus
{
    /// <summary>Waiting on the queue, for its first attempt or a retry.</summary>
    Queued,

    /// <summary>A worker is fetching and counting it.</summary>
    Running,

    /// <summary>Counted; the result is kept until the job expires.</summary>
    Succeeded,

    /// <summary>Gave up, permanently or after the last retry; <c>error</c> says why.</summary>
    Failed,

    /// <summary>Canceled before it started.</summary>
    Canceled,

    /// <summary>Waiting for its <c>runAt</c>; then queued, and run as any job.</summary>
    Scheduled,
}

/// <summary>The names job statuses have on the wire and in storage.</summary>
public static class JobStatusNames
{
    /// <summary>The lower-case name of <paramref name="status"/>.</summary>
    public static string ToName(this JobStatus status) => status switch
    {
        JobStatus.Queued => "queued",
        JobStatus.Running => "running",
        JobStatus.Succeeded => "succeeded",
        JobStatus.Failed => "failed",
        JobStatus.Scheduled => "scheduled",
        _ => "canceled",
    };

    /// <summary>Parses a lower-case status name.</summary>
    public static bool TryParse(string? name, out JobStatus status)
    {
        foreach (var candidate in Enum.GetValues<JobStatus>())
        {
            if (string.Equals(candidate.ToName(), name, StringComparison.OrdinalIgnoreCase))
            {
                status = candidate;
                return true;
            }
        }

        status = default;
        return false;
    }

    /// <summary>Whether a job in <paramref name="status"/> will never change again.</summary>
    public static bool IsFinal(this JobStatus status) => status is JobStatus.Succeeded or JobStatus.Failed or JobStatus.Canceled;
}
