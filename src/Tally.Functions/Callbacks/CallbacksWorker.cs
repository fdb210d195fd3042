using Microsoft.Azure.Functions.Worker;
using Tally.Callbacks;
using Tally.Functions.Jobs;
using Tally.Jobs;

namespace Tally.Functions.Callbacks;

/// <summary>The queue triggers that make callback calls, and fail a delivery whose worker kept failing.</summary>
public sealed class CallbacksWorker(CallbackDeliverer deliverer)
{
    /// <summary>Makes one attempt of a delivery; a failed call sends the next attempt's message itself, so this throws only on storage trouble.</summary>
    [Function(nameof(DeliverCallback))]
    public Task DeliverCallback(
        [QueueTrigger(DeliveryQueue.QueueName, Connection = JobStorage.Connection)] string message, FunctionContext context, CancellationToken cancellationToken) =>
        deliverer.DeliverAsync(message, JobsWorker.MessageId(context), cancellationToken);

    /// <summary>Fails the delivery of a message that ran out of tries (host.json <c>maxDequeueCount</c>).</summary>
    [Function(nameof(FailPoisonedCallback))]
    public Task FailPoisonedCallback(
        [QueueTrigger(DeliveryQueue.PoisonQueueName, Connection = JobStorage.Connection)] string message, CancellationToken cancellationToken) =>
        deliverer.GiveUpAsync(message, cancellationToken);
}
