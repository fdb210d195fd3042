using Microsoft.Azure.Functions.Worker;
using Tally.Jobs;

namespace Tally.Functions.Jobs;

/// <summary>The timer that runs again the jobs whose worker died, well before their message comes back.</summary>
public sealed class JobsRecovery(JobReviver reviver)
{
    /// <summary>
    /// Every 15 seconds: with <c>Tally:Jobs:HeartbeatTimeout</c> (30 s), a dead worker's job runs again within 45 s.
    /// A pass reads the index's <c>running</c> rows and nothing more when every running job shows signs of life.
    /// </summary>
    public const string Schedule = "*/15 * * * * *";

    /// <summary>Revives the running jobs with no sign of life.</summary>
    [Function(nameof(ReviveStalledJobs))]
    public Task ReviveStalledJobs([TimerTrigger(Schedule)] TimerInfo timer, CancellationToken cancellationToken) =>
        reviver.ReviveAsync(cancellationToken);
}
