using Microsoft.Azure.Functions.Worker;
using Tally.Jobs;

namespace Tally.Functions.Jobs;

/// <summary>The queue triggers that run jobs, and give up on them after the last retry.</summary>
public sealed class JobsWorker(JobRunner runner)
{
    /// <summary>Runs one job; a transient failure throws so the host delivers the message again.</summary>
    [Function(nameof(RunJob))]
    public Task RunJob(
        [QueueTrigger(JobStorage.QueueName, Connection = JobStorage.Connection)] string message, CancellationToken cancellationToken) =>
        runner.RunAsync(message, cancellationToken);

    /// <summary>Marks failed a job whose message ran out of retries (host.json <c>maxDequeueCount</c>).</summary>
    [Function(nameof(FailPoisonedJob))]
    public Task FailPoisonedJob(
        [QueueTrigger(JobStorage.PoisonQueueName, Connection = JobStorage.Connection)] string message, CancellationToken cancellationToken) =>
        runner.GiveUpAsync(message, cancellationToken);
}
