using Azure;
using Azure.Data.Tables;

namespace Tally.Jobs;

/// <summary>
/// Job records read and changed: every change is a read-modify-write checked by ETag, so two deliveries of one message,
/// or a worker racing a cancel, can never overwrite each other; several jobs of a request are saved in one transaction,
/// after the index rows of the statuses they enter.
/// </summary>
public sealed class JobRecords(JobTable table, JobIndex index)
{
    private const int MaxConflicts = 8;

    /// <summary>Reads a job record, expired or not, with its request's commit; null when there is none.</summary>
    public async Task<JobEntity?> FindAsync(string id, CancellationToken cancellationToken)
    {
        await table.EnsureAsync(cancellationToken).ConfigureAwait(false);
        var (partition, row) = JobIds.Split(id);
        var response = await table.Client.GetEntityIfExistsAsync<JobEntity>(partition, row, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!response.HasValue)
        {
            return null;
        }

        await table.ResolveAsync([response.Value!], cancellationToken).ConfigureAwait(false);
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
                var response = await table.Client.UpdateEntityAsync(job, job.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
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
        if (keys.Select(k => k.PartitionKey).Distinct().Count() != 1 || ids.Count > JobTable.TransactionSize)
        {
            return null;
        }

        await table.EnsureAsync(cancellationToken).ConfigureAwait(false);
        var found = new Dictionary<string, JobEntity>();
        var filter = $"{TableClient.CreateQueryFilter($"PartitionKey eq {keys[0].PartitionKey}")} and ({RowsFilter([.. keys.Select(k => k.RowKey)])})";
        await foreach (var job in table.Client.QueryAsync<JobEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            found[job.Id] = job;
        }

        await table.ResolveAsync(found.Values, cancellationToken).ConfigureAwait(false);

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
            var response = await table.Client.SubmitTransactionAsync(
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

    /// <summary>Writes the index rows of the statuses these jobs are about to enter, before their records: a listing of a status then never misses a job in it.</summary>
    private async Task WriteAheadAsync(IReadOnlyList<(JobEntity Job, JobStatus Before)> changing, CancellationToken cancellationToken) =>
        await index.MarkAsync([.. changing.Where(c => c.Job.JobStatus != c.Before).Select(c => c.Job)], cancellationToken).ConfigureAwait(false);
}
