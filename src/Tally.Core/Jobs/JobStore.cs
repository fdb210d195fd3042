using System.Runtime.CompilerServices;
using Azure;
using Azure.Data.Tables;

namespace Tally.Jobs;

/// <summary>
/// Job records in Table storage. Every change is a read-modify-write checked by ETag, so two
/// deliveries of one message, or a worker racing a cancel, can never overwrite each other.
/// </summary>
public sealed class JobStore(TableServiceClient tables)
{
    private const int MaxConflicts = 8;

    private readonly TableClient _table = tables.GetTableClient(JobStorage.TableName);
    private readonly Once _created = new();

    /// <summary>The most entities one transaction may hold.</summary>
    public const int TransactionSize = 100;

    /// <summary>Inserts the records of one request (one partition), at most <see cref="TransactionSize"/> at once; each gets its ETag.</summary>
    public async Task AddAsync(IReadOnlyList<JobEntity> jobs, CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken).ConfigureAwait(false);
        var responses = await _table.SubmitTransactionAsync(jobs.Select(job => new TableTransactionAction(TableTransactionActionType.Add, job)), cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < jobs.Count; i++)
        {
            jobs[i].ETag = responses.Value[i].Headers.ETag ?? default;
        }
    }

    /// <summary>Makes a request's records visible: dispatched, expiring at <paramref name="expiresAt"/>.</summary>
    /// <remarks>A merge, not checked by ETag: a worker may already have claimed a record, and keeps what it wrote.</remarks>
    public async Task CommitAsync(IReadOnlyList<JobEntity> jobs, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        var commits = jobs.Select(job => new TableTransactionAction(
            TableTransactionActionType.UpdateMerge,
            new TableEntity(job.PartitionKey, job.RowKey) { [nameof(JobEntity.Dispatched)] = true, [nameof(JobEntity.ExpiresAt)] = expiresAt },
            ETag.All));
        await _table.SubmitTransactionAsync(commits, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes records a failed request wrote, each only as last read: one a worker changed since is read again and then deleted.</summary>
    public async Task RemoveAsync(IReadOnlyList<JobEntity> jobs, CancellationToken cancellationToken)
    {
        try
        {
            await _table.SubmitTransactionAsync(jobs.Select(job => new TableTransactionAction(TableTransactionActionType.Delete, job, job.ETag)), cancellationToken).ConfigureAwait(false);
        }
        catch (TableTransactionFailedException ex) when (ex.Status is 404 or 412)
        {
            foreach (var job in jobs)
            {
                for (var current = job; current is not null && !await DeleteAsync(current.Id, current.ETag, cancellationToken).ConfigureAwait(false);)
                {
                    current = await FindAsync(job.Id, cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    /// <summary>Reads a job record, expired or not; null when there is none.</summary>
    public async Task<JobEntity?> FindAsync(string id, CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken).ConfigureAwait(false);
        var (partition, row) = JobIds.Split(id);
        var response = await _table.GetEntityIfExistsAsync<JobEntity>(partition, row, cancellationToken: cancellationToken).ConfigureAwait(false);
        return response.HasValue ? response.Value : null;
    }

    /// <summary>
    /// Applies <paramref name="change"/> to the stored job and saves it if the job was not changed
    /// meanwhile; on a conflict it reads the job again and reapplies the change.
    /// </summary>
    /// <param name="id">The job id.</param>
    /// <param name="change">Changes the job and returns true, or returns false to leave it as it is.</param>
    /// <param name="current">A copy already read, to save the first read; its ETag guards the first write.</param>
    /// <param name="cancellationToken">Cancels the update.</param>
    /// <returns>The job as stored (null if there is none) and whether <paramref name="change"/> was saved.</returns>
    public async Task<(JobEntity? Job, bool Changed)> UpdateAsync(
        string id, Func<JobEntity, bool> change, JobEntity? current, CancellationToken cancellationToken)
    {
        for (var conflicts = 0; ; conflicts++)
        {
            var job = current ?? await FindAsync(id, cancellationToken).ConfigureAwait(false);
            current = null;
            if (job is null || !change(job))
            {
                return (job, false);
            }

            try
            {
                var response = await _table.UpdateEntityAsync(job, job.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
                job.ETag = response.Headers.ETag ?? default;
                return (job, true);
            }
            catch (RequestFailedException ex) when (ex.Status is 412 or 404 && conflicts < MaxConflicts)
            {
                // Changed (412) or deleted (404) since it was read: read it again and decide anew.
            }
        }
    }

    /// <summary>Deletes a job record if it is still as read; a record changed or already gone is left alone.</summary>
    /// <returns>Whether the record was deleted.</returns>
    public async Task<bool> DeleteAsync(string id, ETag etag, CancellationToken cancellationToken)
    {
        try
        {
            var (partition, row) = JobIds.Split(id);
            await _table.DeleteEntityAsync(partition, row, etag, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 412 or 404)
        {
            return false;
        }
    }

    /// <summary>The most recent unexpired jobs in <paramref name="status"/>, newest first.</summary>
    public async IAsyncEnumerable<JobEntity> ListAsync(
        JobStatus status, DateTimeOffset now, int limit, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken).ConfigureAwait(false);
        var name = status.ToName();
        var filter = TableClient.CreateQueryFilter<JobEntity>(job => job.Status == name && job.Dispatched && job.ExpiresAt > now);
        var taken = 0;
        await foreach (var job in _table.QueryAsync<JobEntity>(filter, Math.Min(limit, 1000), cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            yield return job;
            if (++taken == limit)
            {
                yield break;
            }
        }
    }

    /// <summary>The ids and ETags of jobs that expired at or before <paramref name="now"/>, undispatched leftovers of failed requests included.</summary>
    public async IAsyncEnumerable<(string Id, ETag ETag)> ListExpiredAsync(DateTimeOffset now, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken).ConfigureAwait(false);
        var filter = TableClient.CreateQueryFilter<JobEntity>(job => job.ExpiresAt <= now);
        string[] keys = [nameof(ITableEntity.PartitionKey), nameof(ITableEntity.RowKey)];
        await foreach (var job in _table.QueryAsync<TableEntity>(filter, select: keys, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            yield return (job.PartitionKey + job.RowKey, job.ETag);
        }
    }

    private Task EnsureTableAsync(CancellationToken cancellationToken) =>
        _created.RunAsync(ct => _table.CreateIfNotExistsAsync(ct), cancellationToken);
}
