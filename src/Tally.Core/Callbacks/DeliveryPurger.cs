using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using Tally.Hosting;
using Tally.Jobs;

namespace Tally.Callbacks;

/// <summary>Deletes the deliveries that became delivered or failed more than a result TTL ago, as a job is kept a TTL after it finishes.</summary>
/// <remarks>
/// A final delivery is not written again unless it is redelivered (which makes it pending), so the row's own
/// <c>Timestamp</c>, its last write, is when it became final. A pending delivery is never purged: its retries may
/// still be due. The log holds about one TTL of deliveries, so the purge is one filtered query of it.
/// </remarks>
public sealed class DeliveryPurger(TableServiceClient tables, IOptionsMonitor<JobsOptions> jobs, TimeProvider time)
{
    private readonly TableClient _table = tables.GetTableClient(DeliveryLog.TableName);

    /// <summary>Deletes the deliveries final for longer than the result TTL; how many.</summary>
    public Task<int> PurgeAsync(CancellationToken cancellationToken)
    {
        var finalBefore = time.GetUtcNow() - jobs.CurrentValue.ResultTtl;
        var filter = TableClient.CreateQueryFilter($"State ne {DeliveryStates.Pending} and Timestamp le {finalBefore}");
        return RowSweep.DeleteAsync(_table, filter, cancellationToken);
    }
}
