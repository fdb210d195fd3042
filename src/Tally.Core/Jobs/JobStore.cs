using System.Runtime.CompilerServices;
using Azure;
using Azure.Data.Tables;

namespace Tally.Jobs;

/// <summary>
/// Job records in Table storage. Every change is a read-modify-write checked by ETag, so two
/// deliveries of one message, or a worker racing a cancel, can never overwrite each other.
/// </summary>
public sealed class JobStore(TableServiceClient tables, JobIndex index)
{
    private const int MaxConflicts = 8;

    /// <summary>The row of a request's commit in its partition: not hex, so no job's row, and after them all.</summary>
    private const string CommitRow = "commit";

    private readonly TableClient _table = tables.GetTableClient(JobStorage.TableName);
    private readonly Once _created = new();

    /// <summary>The most entities one transaction may hold.</summary>
    public const int TransactionSize = 100;

    /// <summary>Writes the index row a request's records need (<c>queued</c>), before any of them is added: the listing and the purge then find each one.</summary>
    public Task IndexAsync(IReadOnlyList<JobEntity> jobs, CancellationToken cancellationToken) => index.MarkAsync(jobs, cancellationToken);

    /// <summary>Inserts records of one request (one partition), at most <see cref="TransactionSize"/>, after <see cref="IndexAsync"/>; each gets its ETag.</summary>
    public async Task AddAsync(IReadOnlyList<JobEntity> jobs, CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken).ConfigureAwait(false);
        var responses = await _table.SubmitTransactionAsync(jobs.Select(job => new TableTransactionAction(TableTransactionActionType.Add, job)), cancellationToken).ConfigureAwait(false);
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
    /// says: every read here gives it that (see <see cref="Resolve"/>), and the first change saved writes it into the record.
    /// </summary>
    public async Task CommitAsync(string requestKey, DateTimeOffset expiresAt, CancellationToken cancellationToken) =>
        await _table.UpsertEntityAsync(new TableEntity(requestKey, CommitRow) { [nameof(JobEntity.ExpiresAt)] = expiresAt }, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);

    /// <summary>Takes back a request's commit, if it was made: whatever else a rollback leaves, no record that was never changed is then visible.</summary>
    public async Task UncommitAsync(string requestKey, CancellationToken cancellationToken)
    {
        try
        {
            await _table.DeleteEntityAsync(requestKey, CommitRow, ETag.All, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
        }
    }

    /// <summary>Whether a request was committed: its jobs exist for the API.</summary>
    public async Task<bool> IsCommittedAsync(string requestKey, CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken).ConfigureAwait(false);
        return await CommitOfAsync(requestKey, cancellationToken).ConfigureAwait(false) is not null;
    }

    /// <summary>When a request's commit says its jobs expire; null when it was not committed.</summary>
    private async Task<DateTimeOffset?> CommitOfAsync(string requestKey, CancellationToken cancellationToken)
    {
        var commit = await _table.GetEntityIfExistsAsync<TableEntity>(requestKey, CommitRow, [nameof(JobEntity.ExpiresAt)], cancellationToken).ConfigureAwait(false);
        return commit.HasValue ? commit.Value!.GetDateTimeOffset(nameof(JobEntity.ExpiresAt)) : null;
    }

    /// <summary>Gives records of one request, as read, their request's commit: one read, and only when one of them needs it.</summary>
    private async Task ResolveAsync(IReadOnlyCollection<JobEntity> jobs, CancellationToken cancellationToken)
    {
        if (jobs.FirstOrDefault(job => !job.Dispatched) is { } undispatched)
        {
            var commit = await CommitOfAsync(undispatched.PartitionKey, cancellationToken).ConfigureAwait(false);
            foreach (var job in jobs)
            {
                Resolve(job, commit);
            }
        }
    }

    /// <summary>An undispatched record of a committed request is dispatched, expiring no sooner than the commit says.</summary>
    private static void Resolve(JobEntity job, DateTimeOffset? commit)
    {
        if (!job.Dispatched && commit is { } expiresAt)
        {
            job.Dispatched = true;
            job.ExpiresAt = job.ExpiresAt > expiresAt ? job.ExpiresAt : expiresAt;
        }
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

    /// <summary>Reads a job record, expired or not, with its request's commit; null when there is none.</summary>
    public async Task<JobEntity?> FindAsync(string id, CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken).ConfigureAwait(false);
        var (partition, row) = JobIds.Split(id);
        var response = await _table.GetEntityIfExistsAsync<JobEntity>(partition, row, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!response.HasValue)
        {
            return null;
        }

        await ResolveAsync([response.Value!], cancellationToken).ConfigureAwait(false);
        return response.Value;
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
            var before = job?.JobStatus;
            if (job is null || !change(job))
            {
                return (job, false);
            }

            await WriteAheadAsync([(job, before!.Value)], cancellationToken).ConfigureAwait(false);
            try
            {
                var response = await _table.UpdateEntityAsync(job, job.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
                job.ETag = response.Headers.ETag ?? default;
            }
            catch (RequestFailedException ex) when (ex.Status is 412 or 404 && conflicts < MaxConflicts)
            {
                // Changed (412) or deleted (404) since it was read: read it again and decide anew.
                continue;
            }

            return (job, true);
        }
    }

    /// <summary>
    /// Applies <paramref name="change"/> to several jobs of one request at once: one query reads them, one transaction
    /// saves the changed ones (each checked by its ETag), after the index rows of the statuses they enter.
    /// </summary>
    /// <returns>
    /// Each job as stored (null if there is none) and whether its change was saved; or null when the jobs are not in
    /// one partition or one was changed meanwhile: then nothing was saved, and the caller changes them one at a time.
    /// </returns>
    public async Task<(JobEntity? Job, bool Changed)[]?> UpdateGroupAsync(
        IReadOnlyList<string> ids, Func<JobEntity, bool> change, CancellationToken cancellationToken)
    {
        var keys = ids.Select(JobIds.Split).ToArray();
        if (keys.Select(k => k.PartitionKey).Distinct().Count() != 1 || ids.Count > TransactionSize)
        {
            return null;
        }

        await EnsureTableAsync(cancellationToken).ConfigureAwait(false);
        var found = new Dictionary<string, JobEntity>();
        var filter = $"{TableClient.CreateQueryFilter($"PartitionKey eq {keys[0].PartitionKey}")} and ({RowsFilter([.. keys.Select(k => k.RowKey)])})";
        await foreach (var job in _table.QueryAsync<JobEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            found[job.Id] = job;
        }

        await ResolveAsync(found.Values, cancellationToken).ConfigureAwait(false);

        var results = new (JobEntity? Job, JobStatus Before)[ids.Count];
        for (var i = 0; i < ids.Count; i++)
        {
            results[i] = found.TryGetValue(ids[i], out var job) ? (job, job.JobStatus) : (null, default);
        }

        var changed = new List<(JobEntity Job, JobStatus Before)>();
        for (var i = 0; i < results.Length; i++)
        {
            if (results[i].Job is { } job && change(job))
            {
                changed.Add((job, results[i].Before));
            }
        }

        if (!await SaveChangedAsync(changed, cancellationToken).ConfigureAwait(false))
        {
            return null; // one was changed or deleted since the query: nothing was saved
        }

        var saves = changed.Select(c => c.Job.Id).ToHashSet();
        return [.. results.Select(r => (r.Job, r.Job is not null && saves.Contains(r.Job.Id)))];
    }

    /// <summary>
    /// A filter for exactly these rows of a partition: a key range when they are consecutive jobs of their request (as a
    /// message's jobs are), which storage reads as a range, not the whole partition; else each row by its key.
    /// </summary>
    private static string RowsFilter(string[] rows)
    {
        var numbers = Array.ConvertAll(rows, row => Convert.ToInt32(row, 16));
        return numbers.Max() - numbers.Min() + 1 == numbers.Distinct().Count()
            ? TableClient.CreateQueryFilter($"RowKey ge {JobIds.Row(numbers.Min())} and RowKey le {JobIds.Row(numbers.Max())}")
            : string.Join(" or ", rows.Select(row => TableClient.CreateQueryFilter($"RowKey eq {row}")));
    }

    /// <summary>
    /// Saves changes to several claimed jobs of one request: one transaction for the records (each checked by the ETag it
    /// was read with), after their index rows. If one was changed meanwhile, nothing was saved, and each is then
    /// updated on its own (read again, <paramref name="saves"/>' change applied anew), as <see cref="UpdateAsync"/> does.
    /// </summary>
    public async Task<(JobEntity? Job, bool Changed)[]> SaveGroupAsync(
        IReadOnlyList<(JobEntity Current, Func<JobEntity, bool> Change)> saves, CancellationToken cancellationToken)
    {
        if (saves.Count == 1 || saves.Select(s => s.Current.PartitionKey).Distinct().Count() != 1)
        {
            return await Task.WhenAll(saves.Select(s => UpdateAsync(s.Current.Id, s.Change, s.Current, cancellationToken))).ConfigureAwait(false);
        }

        var changed = new List<(JobEntity Job, JobStatus Before)>();
        var results = new (JobEntity? Job, bool Changed)[saves.Count];
        for (var i = 0; i < saves.Count; i++)
        {
            var (job, change) = saves[i];
            var before = job.JobStatus;
            var saved = change(job);
            results[i] = (job, saved);
            if (saved)
            {
                changed.Add((job, before));
            }
        }

        return await SaveChangedAsync(changed, cancellationToken).ConfigureAwait(false)
            ? results
            : await Task.WhenAll(saves.Select(s => UpdateAsync(s.Current.Id, s.Change, null, cancellationToken))).ConfigureAwait(false);
    }

    /// <summary>
    /// Saves changed records of one partition in one transaction, each checked by its ETag, after the index rows of the
    /// statuses they enter; false, with no record saved, when one was changed or deleted since it was read.
    /// </summary>
    private async Task<bool> SaveChangedAsync(List<(JobEntity Job, JobStatus Before)> changed, CancellationToken cancellationToken)
    {
        if (changed.Count == 0)
        {
            return true;
        }

        await WriteAheadAsync(changed, cancellationToken).ConfigureAwait(false);
        try
        {
            var response = await _table.SubmitTransactionAsync(
                changed.Select(c => new TableTransactionAction(TableTransactionActionType.UpdateReplace, c.Job, c.Job.ETag)), cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < changed.Count; i++)
            {
                changed[i].Job.ETag = response.Value[i].Headers.ETag ?? default;
            }
        }
        catch (TableTransactionFailedException ex) when (ex.Status is 412 or 404)
        {
            return false;
        }

        return true;
    }

    /// <summary>
    /// The jobs in <paramref name="status"/> that the API can see, newest first: for each request the index names, newest
    /// first, a query of its records in that status. A row whose request has none left in it is removed once it is stale.
    /// At most <see cref="ListingBudget.For"/> storage calls: a page that runs out of them ends where it stopped.
    /// </summary>
    /// <returns>Up to <paramref name="limit"/> jobs, and where the next page starts (null at the end).</returns>
    public async Task<(IReadOnlyList<JobEntity> Jobs, ListingCursor? Next)> ListAsync(
        JobStatus status, DateTimeOffset now, TimeSpan span, int limit, ListingCursor? after, CancellationToken cancellationToken)
    {
        var jobs = new List<JobEntity>();
        var budget = ListingBudget.For(limit);
        await foreach (var entry in index.ListAsync(status, now, span, after, budget, cancellationToken).ConfigureAwait(false))
        {
            var from = entry.RequestKey == after?.RequestKey ? after.Row : null;
            if (from == ListingCursor.EndOfRequest)
            {
                continue;
            }

            var found = false;
            await foreach (var job in VisibleAsync(entry.RequestKey, status, now, from, limit - jobs.Count, [], budget, cancellationToken).ConfigureAwait(false))
            {
                found = true;
                from = job.RowKey;
                jobs.Add(job);
                if (jobs.Count == limit)
                {
                    return (jobs, new ListingCursor(job.Id));
                }
            }

            if (budget.StoppedAt is not null)
            {
                return (jobs, from is null ? ListingCursor.AtRequest(entry.RequestKey) : new ListingCursor(entry.Partition, entry.RequestKey, from));
            }

            if (!found && from is null && entry.WrittenAt < now - JobIndex.StaleAfter && budget.TrySpend(2))
            {
                await ForgetIfEmptyAsync(entry, status, now, cancellationToken).ConfigureAwait(false);
            }
        }

        return (jobs, budget.StoppedAt);
    }

    /// <summary>
    /// Removes an index row whose request has no record left in its status (its jobs have all moved on), once the row
    /// is <see cref="JobIndex.StaleAfter"/> old and unchanged since it was read: never between a row's write and its record's.
    /// </summary>
    public async Task ForgetIfEmptyAsync(IndexEntry entry, JobStatus status, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (entry.WrittenAt < now - JobIndex.StaleAfter && !await AnyAsync(entry.RequestKey, status, cancellationToken).ConfigureAwait(false))
        {
            await index.RemoveAsync(entry, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A request's visible jobs in <paramref name="status"/>, all of them: one query of its partition (a request holds at most 1,000).</summary>
    public async Task<IReadOnlyList<JobEntity>> InStatusAsync(string requestKey, JobStatus status, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var jobs = new List<JobEntity>();
        await foreach (var job in VisibleAsync(requestKey, status, now, null, 1000, [], null, cancellationToken).ConfigureAwait(false))
        {
            jobs.Add(job);
        }

        return jobs;
    }

    /// <summary>
    /// Counts the jobs in <paramref name="status"/> that the API can see, requested over <paramref name="span"/> before
    /// <paramref name="now"/>, reading keys only and at most <paramref name="cap"/> of them: past it the count is a lower bound.
    /// </summary>
    /// <returns>The count, and whether it stopped at the cap.</returns>
    public async Task<(int Count, bool Capped)> CountAsync(JobStatus status, DateTimeOffset now, TimeSpan span, int cap, CancellationToken cancellationToken)
    {
        var count = 0;
        await foreach (var entry in index.ListAsync(status, now, span, null, null, cancellationToken).ConfigureAwait(false))
        {
            await foreach (var _ in VisibleAsync(entry.RequestKey, status, now, null, cap + 1 - count, ["RowKey"], null, cancellationToken).ConfigureAwait(false))
            {
                if (++count > cap)
                {
                    return (cap, true);
                }
            }
        }

        return (count, false);
    }

    /// <summary>
    /// The jobs of one request that the API can see, in <paramref name="status"/> or any, in their order, after row
    /// <paramref name="from"/> if given: one partition, read in pages of <paramref name="pageSize"/>.
    /// </summary>
    public async IAsyncEnumerable<JobEntity> ListRequestAsync(
        string requestKey, JobStatus? status, DateTimeOffset now, string? from, int pageSize, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken).ConfigureAwait(false);
        await foreach (var job in VisibleAsync(requestKey, status, now, from, pageSize, [], null, cancellationToken).ConfigureAwait(false))
        {
            yield return job;
        }
    }

    /// <summary>
    /// A request's visible jobs in <paramref name="status"/> (or any), after row <paramref name="from"/> if given, in pages of
    /// <paramref name="pageSize"/>; each query page and the read of the commit spend a call of <paramref name="budget"/>,
    /// when given, and the jobs end where it runs out (<see cref="ListingBudget.StoppedAt"/> then set).
    /// </summary>
    private async IAsyncEnumerable<JobEntity> VisibleAsync(
        string requestKey, JobStatus? status, DateTimeOffset now, string? from, int pageSize, string[] select, ListingBudget? budget,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // An undispatched record's visibility and expiry are its request's commit's.
        var filter = status is { } s
            ? TableClient.CreateQueryFilter($"PartitionKey eq {requestKey} and Status eq {s.ToName()} and (Dispatched eq {false} or ExpiresAt gt {now})")
            : TableClient.CreateQueryFilter($"PartitionKey eq {requestKey} and RowKey ne {CommitRow} and (Dispatched eq {false} or ExpiresAt gt {now})");

        if (from is not null)
        {
            filter += " and " + TableClient.CreateQueryFilter($"RowKey gt {from}");
        }

        var commit = default(DateTimeOffset?);
        var commitRead = false;
        var query = _table.QueryAsync<JobEntity>(filter, Math.Min(pageSize, 1000), select.Length == 0 ? null : [.. select, nameof(JobEntity.Dispatched), nameof(JobEntity.ExpiresAt)], cancellationToken);
        if (!Spend(budget, requestKey))
        {
            yield break;
        }

        await foreach (var page in query.AsPages().ConfigureAwait(false))
        {
            foreach (var job in page.Values)
            {
                if (!job.Dispatched && !commitRead)
                {
                    if (!Spend(budget, requestKey))
                    {
                        yield break;
                    }

                    commit = await CommitOfAsync(requestKey, cancellationToken).ConfigureAwait(false);
                    commitRead = true;
                }

                Resolve(job, commit);
                if (job.Dispatched && job.ExpiresAt > now)
                {
                    yield return job;
                }
            }

            if (page.ContinuationToken is null || !Spend(budget, requestKey))
            {
                yield break;
            }
        }
    }

    /// <summary>Spends a call of <paramref name="budget"/> (none to spend when there is no budget); when none is left, marks the request as where the listing stopped.</summary>
    private static bool Spend(ListingBudget? budget, string requestKey)
    {
        if (budget is null || budget.TrySpend())
        {
            return true;
        }

        budget.StopAt(ListingCursor.AtRequest(requestKey)); // the caller knows the request's last job returned, and says so
        return false;
    }

    /// <summary>Whether any record of the request is in <paramref name="status"/> (a provisional or expired one too); with no status, whether any record is left.</summary>
    private async Task<bool> AnyAsync(string requestKey, JobStatus? status, CancellationToken cancellationToken)
    {
        var filter = status is { } s
            ? TableClient.CreateQueryFilter($"PartitionKey eq {requestKey} and Status eq {s.ToName()}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {requestKey} and RowKey ne {CommitRow}");
        await foreach (var _ in _table.QueryAsync<TableEntity>(filter, maxPerPage: 1, select: ["RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            return true;
        }

        return false;
    }

    /// <summary>
    /// Deletes the records that expired by <paramref name="now"/>, reading only requests older than <paramref name="ttl"/>
    /// (the index's old hours) and, of those, only the expired records; a request with no record left loses its commit and its rows.
    /// </summary>
    /// <returns>How many records were deleted.</returns>
    public async Task<int> PurgeAsync(DateTimeOffset now, TimeSpan ttl, CancellationToken cancellationToken)
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
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {key} and RowKey ne {CommitRow} and ExpiresAt le {now}");
            await foreach (var job in _table.QueryAsync<JobEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                expired.Add(job);
            }

            await ResolveAsync(expired, cancellationToken).ConfigureAwait(false);
            expired.RemoveAll(job => job.ExpiresAt > now);
            foreach (var chunk in expired.Chunk(TransactionSize))
            {
                deleted += await DeleteAllAsync(chunk, cancellationToken).ConfigureAwait(false);
            }

            // The commit and the index rows go with the request's last record: a record left may still need its commit.
            if (!await AnyAsync(key, null, cancellationToken).ConfigureAwait(false))
            {
                await UncommitAsync(key, cancellationToken).ConfigureAwait(false);
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
            await _table.SubmitTransactionAsync(jobs.Select(job => new TableTransactionAction(TableTransactionActionType.Delete, job, job.ETag)), cancellationToken).ConfigureAwait(false);
            return jobs.Length;
        }
        catch (TableTransactionFailedException ex) when (ex.Status is 412 or 404)
        {
            var deleted = 0;
            foreach (var job in jobs)
            {
                deleted += await DeleteAsync(job.Id, job.ETag, cancellationToken).ConfigureAwait(false) ? 1 : 0;
            }

            return deleted;
        }
    }

    /// <summary>Writes the index rows of the statuses these jobs are about to enter, before their records: a listing of a status then never misses a job in it.</summary>
    private async Task WriteAheadAsync(IReadOnlyList<(JobEntity Job, JobStatus Before)> changing, CancellationToken cancellationToken) =>
        await index.MarkAsync([.. changing.Where(c => c.Job.JobStatus != c.Before).Select(c => c.Job)], cancellationToken).ConfigureAwait(false);

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

    private Task EnsureTableAsync(CancellationToken cancellationToken) =>
        _created.RunAsync(ct => _table.CreateIfNotExistsAsync(ct), cancellationToken);
}
