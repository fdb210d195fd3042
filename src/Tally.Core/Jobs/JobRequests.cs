using Azure.Data.Tables;

namespace Tally.Jobs;

/// <summary>
/// A request's records as enqueueing writes them: its index row, its records inserted undispatched, its commit row that makes
/// them visible (<see cref="JobVisibility"/>), and taking all that back when the enqueue fails.
/// </summary>
public sealed class JobRequests(JobTable table, JobIndex index, JobRecords records)
{
    /// <summary>Writes the index row a request's records need (<c>queued</c>), before any of them is added: the listing and the purge then find each one.</summary>
    public Task IndexAsync(IReadOnlyList<JobEntity> jobs, CancellationToken cancellationToken) => index.MarkAsync(jobs, cancellationToken);

    /// <summary>Inserts records of one request (one partition), at most <see cref="JobTable.TransactionSize"/>, after <see cref="IndexAsync"/>; each gets its ETag.</summary>
    public async Task AddAsync(IReadOnlyList<JobEntity> jobs, CancellationToken cancellationToken)
    {
        await table.EnsureAsync(cancellationToken).ConfigureAwait(false);
        var responses = await table.Client.SubmitTransactionAsync(jobs.Select(job => new TableTransactionAction(TableTransactionActionType.Add, job)), cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < jobs.Count; i++)
        {
            jobs[i].ETag = responses.Value[i].Headers.ETag ?? default;
        }
    }

    /// <summary>As <see cref="AddAsync"/>, for a request enqueued again under its own key: records that a try before wrote are kept as they are.</summary>
    public async Task AddOnceAsync(IReadOnlyList<JobEntity> jobs, CancellationToken cancellationToken)
    {
        try
        {
            await AddAsync(jobs, cancellationToken).ConfigureAwait(false);
        }
        catch (TableTransactionFailedException ex) when (ex.Status == 409)
        {
            // A transaction lands whole or not at all: this one landed before.
        }
    }

    /// <summary>
    /// Commits a request whose messages are all sent: one row in its partition (after every job's row), saying when its
    /// jobs expire. A record not yet <see cref="JobEntity.Dispatched"/> is visible, and expires, as its request's commit
    /// says: every read gives it that (<see cref="JobVisibility.Resolve"/>), and the first change saved writes it into the record.
    /// </summary>
    public async Task CommitAsync(string requestKey, DateTimeOffset expiresAt, CancellationToken cancellationToken) =>
        await table.Client.UpsertEntityAsync(new TableEntity(requestKey, JobTable.CommitRow) { [nameof(JobEntity.ExpiresAt)] = expiresAt }, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);

    /// <summary>Takes back a request's commit, if it was made: whatever else a rollback leaves, no record that was never changed is then visible.</summary>
    public Task UncommitAsync(string requestKey, CancellationToken cancellationToken) => table.UncommitAsync(requestKey, cancellationToken);

    /// <summary>Whether a request was committed: its jobs exist for the API.</summary>
    public async Task<bool> IsCommittedAsync(string requestKey, CancellationToken cancellationToken)
    {
        await table.EnsureAsync(cancellationToken).ConfigureAwait(false);
        return await table.CommitOfAsync(requestKey, cancellationToken).ConfigureAwait(false) is not null;
    }

    /// <summary>Deletes records a failed request wrote, each only as last read: one a worker changed since is read again and then deleted.</summary>
    public async Task RemoveAsync(IReadOnlyList<JobEntity> jobs, CancellationToken cancellationToken)
    {
        try
        {
            await table.Client.SubmitTransactionAsync(jobs.Select(job => new TableTransactionAction(TableTransactionActionType.Delete, job, job.ETag)), cancellationToken).ConfigureAwait(false);
        }
        catch (TableTransactionFailedException ex) when (ex.Status is 404 or 412)
        {
            foreach (var job in jobs)
            {
                for (var current = job; current is not null && !await table.DeleteAsync(current.Id, current.ETag, cancellationToken).ConfigureAwait(false);)
                {
                    current = await records.FindAsync(job.Id, cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }
}
