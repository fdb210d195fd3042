using Microsoft.Azure.Functions.Worker;
using Tally.Jobs;

namespace Tally.Functions.Jobs;

/// <summary>The queue triggers that run jobs, and give up on them after the last retry.</summary>
public sealed class JobsWorker(JobRunner runner)
{
    /// <summary>Runs one job; a transient failure throws so the host delivers the message again.</summary>
    /// <param name="message">The message text.</param>
    /// <param name="context">The invocation; its trigger metadata holds the message id, which claims the job.</param>
    /// <param name="cancellationToken">Canceled when the host stops the function.</param>
    [Function(nameof(RunJob))]
    public Task RunJob(
        [QueueTrigger(JobStorage.QueueName, Connection = JobStorage.Connection)] string message, FunctionContext context, CancellationToken cancellationToken) =>
        runner.RunAsync(message, MessageId(context), cancellationToken);

    /// <summary>The queue message's id from the trigger metadata (<c>Id</c>), the same for every delivery of the message.</summary>
    internal static string MessageId(FunctionContext context) =>
        context.BindingContext.BindingData.TryGetValue("Id", out var id) && id?.ToString() is { Length: > 0 } text
            ? text.Trim('"')
            : throw new InvalidOperationException("The queue trigger gave no message id.");

    /// <summary>Marks failed a job whose message ran out of retries (host.json <c>maxDequeueCount</c>).</summary>
    [Function(nameof(FailPoisonedJob))]
    public Task FailPoisonedJob(
        [QueueTrigger(JobStorage.PoisonQueueName, Connection = JobStorage.Connection)] string message, CancellationToken cancellationToken) =>
        runner.GiveUpAsync(message, cancellationToken);
}
