using System.Runtime.CompilerServices;
using Azure.Data.Tables;

namespace Tally.Jobs;

/// <summary>
/// Listing and counting the jobs the API can see (<see cref="JobVisibility"/>): by status through the index
/// (<see cref="JobIndex"/>), within a request, in pages bounded by a <see cref="ListingBudget"/>.
/// </summary>
public sealed class JobListing(JobTable table, JobIndex index)
{
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
        if (entry.WrittenAt < now - JobIndex.StaleAfter && !await table.AnyAsync(entry.RequestKey, status, cancellationToken).ConfigureAwait(false))
        {
            await index.RemoveAsync(entry, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A request's visible jobs in <paramref name="status"/>, all of them: one query of its partition (a request holds at most 1,000).</summary>
    public async Task<IReadOnlyList<JobEntity>> InStatusAsync(string requestKey, JobStatus status, DateTimeOffset now, CancellationToken cancellationToken) =>
        await VisibleAsync(requestKey, status, now, null, 1000, [], null, cancellationToken).ToListAsync(cancellationToken).ConfigureAwait(false);

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
        await table.EnsureAsync(cancellationToken).ConfigureAwait(false);
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
        var filter = (status is { } s
            ? TableClient.CreateQueryFilter($"PartitionKey eq {requestKey} and Status eq {s.ToName()}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {requestKey} and RowKey ne {JobTable.CommitRow}")) + " and " + JobVisibility.MayBeVisible(now);

        if (from is not null)
        {
            filter += " and " + TableClient.CreateQueryFilter($"RowKey gt {from}");
        }

        var commit = default(DateTimeOffset?);
        var commitRead = false;
        var query = table.Client.QueryAsync<JobEntity>(filter, Math.Min(pageSize, 1000), select.Length == 0 ? null : [.. select, nameof(JobEntity.Dispatched), nameof(JobEntity.ExpiresAt)], cancellationToken);
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

                    commit = await table.CommitOfAsync(requestKey, cancellationToken).ConfigureAwait(false);
                    commitRead = true;
                }

                JobVisibility.Resolve(job, commit);
                if (JobVisibility.IsVisible(job, now))
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
}
