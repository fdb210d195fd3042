using Azure.Storage.Queues;

namespace Tally.Jobs;

/// <summary>Puts job messages on <c>tally-jobs</c>.</summary>
/// <remarks>The client must encode messages as base64 (see <c>AddTallyStorage</c>), as the queue trigger decodes them.</remarks>
public sealed class JobQueue(QueueServiceClient queues)
{
    private readonly QueueClient _queue = queues.GetQueueClient(JobStorage.QueueName);
    private readonly Once _created = new();

    /// <summary>Enqueues the message that starts run <paramref name="run"/> of job <paramref name="id"/>.</summary>
    public async Task SendAsync(string id, int run, CancellationToken cancellationToken)
    {
        await _created.RunAsync(ct => _queue.CreateIfNotExistsAsync(cancellationToken: ct), cancellationToken).ConfigureAwait(false);
        await _queue.SendMessageAsync(new JobMessage(id, run).ToJson(), cancellationToken).ConfigureAwait(false);
    }
}
