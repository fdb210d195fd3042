using Azure.Data.Tables;
using Azure.Storage.Queues;
using Tally.Jobs;

namespace Tally.Functions.Hosting;

/// <summary>Checks that the job queue and table answer.</summary>
public sealed class StorageHealth(QueueServiceClient queues, TableServiceClient tables)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(5);

    /// <summary>Null when storage answers; otherwise what failed.</summary>
    public async Task<string?> CheckAsync(CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Deadline);
        try
        {
            await queues.GetQueueClient(JobStorage.QueueName).ExistsAsync(deadline.Token).ConfigureAwait(false);
            await foreach (var _ in tables.QueryAsync(maxPerPage: 1, cancellationToken: deadline.Token).ConfigureAwait(false))
            {
                break;
            }

            return null;
        }
        catch (Exception ex) when (ex is Azure.RequestFailedException or OperationCanceledException or AggregateException or InvalidOperationException)
        {
            return cancellationToken.IsCancellationRequested ? "The check was canceled." : $"Storage did not answer: {ex.Message}";
        }
    }
}
