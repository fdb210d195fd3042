using Azure.Data.Tables;
using Microsoft.Extensions.Logging;

namespace Tally.Jobs;

/// <summary>Deletes job records whose results have expired.</summary>
public sealed partial class JobPurger(JobTable table, JobIndex index, Microsoft.Extensions.Options.IOptionsMonitor<JobsOptions> options, TimeProvider time, ILogger<JobPurger> logger)
{
    /// <summary>Deletes every expired job record, reading only the index rows of requests older than the result TTL.</summary>
    /// <returns>How many records were deleted.</returns>
    public async Task<int> PurgeExpiredAsync(CancellationToken cancellationToken)
    {
        var deleted = await PurgeAsync(time.GetUtcNow(), options.CurrentValue.ResultTtl, cancellationToken).ConfigureAwait(false);
        LogPurged(deleted);
        return deleted;
    }

    /// <summary>
    /// Deletes the records that expired by <paramref name="now"/>, reading only requests older than <paramref name="ttl"/>
    /// (the index's old hours) and, of those, only the expired records; a request with no record left loses its commit and its rows.
    /// </summary>
    /// <returns>How many records were deleted.</returns>
    private async Task<int> PurgeAsync(DateTimeOffset now, TimeSpan ttl, CancellationToken cancellationToken)
    {
        var requests = new Dictionary<string, List<IndexEntry>>();
        await foreach (var entry in index.ListOlderThanAsync(now - ttl, cancellationToken).ConfigureAwait(false))
        {
            (requests.TryGetValue(entry.RequestKey, out var rows) ? rows : requests[entry.RequestKey] = []).Add(entry);
        }

        var deleted = 0;
        foreach (var (key, rows) in requests)
        {
            // The records expired by their own time, less undispatched ones that their request's commit keeps.
            var expired = new List<JobEntity>();
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {key} and RowKey ne {JobTable.CommitRow} and ExpiresAt le {now}");
            await foreach (var job in table.Client.QueryAsync<JobEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                expired.Add(job);
            }

            await table.ResolveAsync(expired, cancellationToken).ConfigureAwait(false);
            expired.RemoveAll(job => !JobVisibility.IsExpired(job, now));
            foreach (var chunk in expired.Chunk(JobTable.TransactionSize))
            {
                deleted += await DeleteAllAsync(chunk, cancellationToken).ConfigureAwait(false);
            }

            // The commit and the index rows go with the request's last record: a record left may still need its commit.
            if (!await table.AnyAsync(key, null, cancellationToken).ConfigureAwait(false))
            {
                await table.UncommitAsync(key, cancellationToken).ConfigureAwait(false);
                foreach (var row in rows)
                {
                    await index.RemoveAsync(row, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        return deleted;
    }

    /// <summary>Deletes records of one partition as read, in one transaction; if one changed since, each alone, leaving the changed ones.</summary>
    /// <returns>How many were deleted.</returns>
    private async Task<int> DeleteAllAsync(JobEntity[] jobs, CancellationToken cancellationToken)
    {
        try
        {
            await table.Client.SubmitTransactionAsync(jobs.Select(job => new TableTransactionAction(TableTransactionActionType.Delete, job, job.ETag)), cancellationToken).ConfigureAwait(false);
            return jobs.Length;
        }
        catch (TableTransactionFailedException ex) when (ex.Status is 412 or 404)
        {
            var deleted = 0;
            foreach (var job in jobs)
            {
                deleted += await table.DeleteAsync(job.Id, job.ETag, cancellationToken).ConfigureAwait(false) ? 1 : 0;
            }

            return deleted;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Purged {Count} expired jobs")]
    private partial void LogPurged(int count);
}
