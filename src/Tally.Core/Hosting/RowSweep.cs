using Azure;
using Azure.Data.Tables;

namespace Tally.Hosting;

/// <summary>Deletes the rows a filter finds, each as it was read (by ETag), so a row written again meanwhile is kept.</summary>
/// <remarks>For the purges of tables that hold about one result TTL of rows, where a filtered query of the table is the cheapest read.</remarks>
internal static class RowSweep
{
    /// <summary>How many deletes are in flight at once.</summary>
    private const int Parallelism = 16;

    /// <summary>Deletes every row of <paramref name="table"/> that <paramref name="filter"/> finds; how many were deleted.</summary>
    public static async Task<int> DeleteAsync(TableClient table, string filter, CancellationToken cancellationToken)
    {
        await table.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
        var rows = table.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken);
        var deleted = 0;
        await Parallel.ForEachAsync(rows, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken }, async (row, ct) =>
        {
            try
            {
                await table.DeleteEntityAsync(row.PartitionKey, row.RowKey, row.ETag, ct).ConfigureAwait(false);
                Interlocked.Increment(ref deleted);
            }
            catch (RequestFailedException ex) when (ex.Status is 404 or 412)
            {
                // written again meanwhile, or already gone
            }
        }).ConfigureAwait(false);
        return deleted;
    }
}
