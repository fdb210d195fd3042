using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Tally.Jobs;
using Tally.Schedules;

namespace Tally.Functions.Schedules;

/// <summary>The triggers that fire schedules: each occurrence's tick, and a sweep every minute for what a lost tick or a crash left.</summary>
public sealed class ScheduleFunctions(ScheduleFirer firer)
{
    /// <summary>Every minute, on the minute.</summary>
    public const string SweepSchedule = "0 * * * * *";

    /// <summary>Fires the schedule a tick names, once its occurrence has come.</summary>
    [Function(nameof(FireScheduleTick))]
    public Task FireScheduleTick(
        [QueueTrigger(ScheduleTicks.QueueName, Connection = JobStorage.Connection)] string message, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken) =>
        firer.OnTickAsync(message, client, cancellationToken);

    /// <summary>Fires every schedule: an occurrence whose tick was lost runs within a minute, a run a crash left pending is finished.</summary>
    [Function(nameof(SweepSchedules))]
    public Task SweepSchedules(
        [TimerTrigger(SweepSchedule)] TimerInfo timer, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken) =>
        firer.SweepAsync(client, cancellationToken);
}
