using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.Extensions.Logging;
using Tally.Jobs;
using Tally.Hosting;

namespace Tally.Functions.Hosting;

/// <summary>Checks that the job queue and table answer.</summary>
/// <remarks>
/// The probe is anonymous, so what failed goes to the log, never into the answer: a storage exception's message
/// names hosts, ports and the SDK's retries, which are nobody's business but the operator's.
/// </remarks>
public sealed partial class StorageHealth(QueueServiceClient queues, TableServiceClient tables, ILogger<StorageHealth> logger)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(5);

    /// <summary>Null when storage answers; otherwise a detail for anyone, which names no part of the storage call.</summary>
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
        catch (Exception ex) when (StorageTrouble.IsOrCanceled(ex) || ex is InvalidOperationException) // what the SDK throws on an answer it cannot read is as unhealthy
        {
            if (cancellationToken.IsCancellationRequested)
            {
                return "The check was canceled.";
            }

            LogUnhealthy(ex);
            return $"Storage did not answer within {Deadline.TotalSeconds:0} seconds; the app's log has the cause.";
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The health probe found storage not answering")]
    private partial void LogUnhealthy(Exception exception);
}
