using Azure.Storage.Queues;
using Tally.Time;

namespace Tally.Jobs;

/// <summary>Puts job messages on <c>tally-jobs</c>.</summary>
/// <remarks>The client must encode messages as base64 (see <c>AddTallyStorage</c>), as the queue trigger decodes them.</remarks>
public sealed class JobQueue(QueueServiceClient queues)
{
    private readonly QueueClient _queue = queues.GetQueueClient(JobStorage.QueueName);
    private readonly Once _created = new();

    /// <summary>
    /// The most jobs of one request a message starts: as many as one transaction holds, since a message's jobs are
    /// claimed in one transaction and their results written in one. The queue has no batch send, so a 1,000-URL request
    /// is 10 sends rather than 1,000, and the storage calls of a run (the message's receive and delete, the claim's query
    /// and transaction, the results' write) are paid a message, not a job. The worker runs a message's jobs at once, so
    /// the host's 12 messages in flight (host.json) are up to 1,200 fetches per instance, each origin's within its limits.
    /// </summary>
    public const int JobsPerMessage = JobTable.TransactionSize;

    /// <summary>Enqueues the message that starts run <paramref name="run"/> of job <paramref name="id"/>.</summary>
    public Task SendAsync(string id, int run, CancellationToken cancellationToken) => SendAsync([new JobMessage(id, run)], cancellationToken);

    /// <summary>Enqueues one message that starts <paramref name="jobs"/> (at most <see cref="JobsPerMessage"/>).</summary>
    public Task SendAsync(IReadOnlyList<JobMessage> jobs, CancellationToken cancellationToken) => SendAsync(jobs, TimeSpan.Zero, cancellationToken);

    /// <summary>Enqueues one message that starts <paramref name="jobs"/>, hidden for <paramref name="delay"/> (see <see cref="QueueDelay"/>).</summary>
    public async Task SendAsync(IReadOnlyList<JobMessage> jobs, TimeSpan delay, CancellationToken cancellationToken)
    {
        await _created.RunAsync(ct => _queue.CreateIfNotExistsAsync(cancellationToken: ct), cancellationToken).ConfigureAwait(false);
        await (delay > TimeSpan.Zero
            ? _queue.SendMessageAsync(JobMessage.ToJson(jobs), delay, QueueDelay.NeverExpires, cancellationToken)
            : _queue.SendMessageAsync(JobMessage.ToJson(jobs), cancellationToken)).ConfigureAwait(false);
    }
}
