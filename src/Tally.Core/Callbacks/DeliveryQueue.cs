using Azure.Storage.Queues;
using Tally.Jobs;

namespace Tally.Callbacks;

/// <summary>Puts delivery messages on <c>tally-callbacks</c>; a retry's message waits out its delay as the message's visibility.</summary>
public sealed class DeliveryQueue(QueueServiceClient queues)
{
    /// <summary>The queue the delivery worker reads.</summary>
    public const string QueueName = "tally-callbacks";

    /// <summary>Where the Functions host moves a delivery message after its last failed try.</summary>
    public const string PoisonQueueName = QueueName + "-poison";

    /// <summary>A message lives until it is delivered: a retry may wait up to 7 days, the default lifetime of a message.</summary>
    private static readonly TimeSpan NeverExpires = TimeSpan.FromSeconds(-1);

    private readonly QueueClient _queue = queues.GetQueueClient(QueueName);
    private readonly Once _created = new();

    /// <summary>Sends <paramref name="message"/>, visible after <paramref name="delay"/>.</summary>
    public async Task SendAsync(DeliveryMessage message, TimeSpan delay, CancellationToken cancellationToken)
    {
        await _created.RunAsync(ct => _queue.CreateIfNotExistsAsync(cancellationToken: ct), cancellationToken).ConfigureAwait(false);
        await _queue.SendMessageAsync(message.ToJson(), delay, NeverExpires, cancellationToken).ConfigureAwait(false);
    }
}
