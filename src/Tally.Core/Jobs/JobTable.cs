using Azure;
using Azure.Data.Tables;

namespace Tally.Jobs;

/// <summary>
/// The <c>TallyJobs</c> table as every room of the job store shares it (<see cref="JobRequests"/>, <see cref="JobRecords"/>,
/// <see cref="JobListing"/>, <see cref="JobPurger"/>): the client, created once; a request's commit row; deleting a record as read.
/// </summary>
public sealed class JobTable(TableServiceClient tables)
{
    /// <summary>The most entities one transaction may hold.</summary>
    public const int TransactionSize = 100;

    /// <summary>The row of a request's commit in its partition: not hex, so no job's row, and after them all.</summary>
    internal const string CommitRow = "commit";

    private readonly Once _created = new();

    /// <summary>The table's client.</summary>
    internal TableClient Client { get; } = tables.GetTableClient(JobStorage.TableName);

    /// <summary>Creates the table the first time it is needed.</summary>
    public Task EnsureAsync(CancellationToken cancellationToken) =>
        _created.RunAsync(ct => Client.CreateIfNotExistsAsync(ct), cancellationToken);

    /// <summary>When a request's commit says its jobs expire; null when it was not committed.</summary>
    public async Task<DateTimeOffset?> CommitOfAsync(string requestKey, CancellationToken cancellationToken)
    {
        var commit = await Client.GetEntityIfExistsAsync<TableEntity>(requestKey, CommitRow, [nameof(JobEntity.ExpiresAt)], cancellationToken).ConfigureAwait(false);
        return commit.HasValue ? commit.Value!.GetDateTimeOffset(nameof(JobEntity.ExpiresAt)) : null;
    }

    /// <summary>Gives records of one request, as read, their request's commit: one read, and only when one of them needs it.</summary>
    public async Task ResolveAsync(IReadOnlyCollection<JobEntity> jobs, CancellationToken cancellationToken)
    {
        if (jobs.FirstOrDefault(job => !job.Dispatched) is { } undispatched)
        {
            var commit = await CommitOfAsync(undispatched.PartitionKey, cancellationToken).ConfigureAwait(false);
            foreach (var job in jobs)
            {
                JobVisibility.Resolve(job, commit);
            }
        }
    }

    /// <summary>Takes back a request's commit, if it was made: whatever else a rollback leaves, no record that was never changed is then visible.</summary>
    public async Task UncommitAsync(string requestKey, CancellationToken cancellationToken)
    {
        try
        {
            await Client.DeleteEntityAsync(requestKey, CommitRow, ETag.All, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
        }
    }

    /// <summary>Whether any record of the request is in <paramref name="status"/> (a provisional or expired one too); with no status, whether any record is left.</summary>
    public async Task<bool> AnyAsync(string requestKey, JobStatus? status, CancellationToken cancellationToken)
    {
        var filter = status is { } s
            ? TableClient.CreateQueryFilter($"PartitionKey eq {requestKey} and Status eq {s.ToName()}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {requestKey} and RowKey ne {CommitRow}");
        await foreach (var _ in Client.QueryAsync<TableEntity>(filter, maxPerPage: 1, select: ["RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            return true;
        }

        return false;
    }

    /// <summary>Deletes a job record if it is still as read; a record changed or already gone is left alone.</summary>
    /// <returns>Whether the record was deleted.</returns>
    public async Task<bool> DeleteAsync(string id, ETag etag, CancellationToken cancellationToken)
    {
        try
        {
            var (partition, row) = JobIds.Split(id);
            await Client.DeleteEntityAsync(partition, row, etag, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 412 or 404)
        {
            return false;
        }
    }
}
