using Microsoft.Extensions.Options;

namespace Tally.Jobs.Bulk;

/// <summary>
/// Retries or cancels every job a <see cref="JobFilter"/> matches, on the server, through the transitions of
/// <see cref="JobStateMachine"/>: a request's jobs a transaction (100) at a time, a retry's messages
/// <see cref="JobQueue.JobsPerMessage"/> jobs to a message.
/// </summary>
/// <remarks>
/// One call takes at most <see cref="MaxJobsPerCall"/> jobs, so its storage calls are bounded: the listing that finds
/// them, and for each request among them an index write, a transaction per 100 jobs and (retry) a message per 32. When
/// more match, the call answers a continuation, and the next call with it goes on from there.
/// </remarks>
public sealed class JobBulkActions(JobListing listing, JobRecords records, JobQueue queue, IOptionsMonitor<JobsOptions> options, TimeProvider time)
{
    /// <summary>The most jobs one call takes.</summary>
    public const int MaxJobsPerCall = 1000;

    private TimeSpan Ttl => options.CurrentValue.ResultTtl;

    /// <summary>Starts the next run of each failed or canceled job the filter matches: its message first, then its record, as a single retry does.</summary>
    public Task<BulkOutcome> RetryAsync(JobFilter filter, CancellationToken cancellationToken) =>
        RunAsync(filter, async (jobs, now, ct) =>
        {
            var runs = jobs.Select(job => (Job: job, Run: JobStateMachine.NextRun(job))).Where(r => r.Run is not null).ToArray();
            foreach (var group in runs.Chunk(JobQueue.JobsPerMessage))
            {
                await queue.SendAsync([.. group.Select(r => new JobMessage(r.Job.Id, r.Run!.Value))], ct).ConfigureAwait(false);
            }

            return [.. runs.Select(r => (r.Job, (Func<JobEntity, bool>)(job => JobStateMachine.Retry(job, r.Run!.Value, now, Ttl))))];
        }, cancellationToken);

    /// <summary>Cancels each queued job the filter matches; its message then finds it final and is dropped.</summary>
    public Task<BulkOutcome> CancelAsync(JobFilter filter, CancellationToken cancellationToken) =>
        RunAsync(filter, (jobs, now, _) =>
            Task.FromResult<(JobEntity, Func<JobEntity, bool>)[]>([.. jobs.Select(job => (job, (Func<JobEntity, bool>)(j => JobStateMachine.Cancel(j, now, Ttl))))]),
            cancellationToken);

    /// <summary>
    /// What a retry or cancel with <paramref name="filter"/> would take, changing nothing (a dry run): the jobs matched in
    /// this call, none changed, and the continuation that counts on, so a caller can say how many before it acts.
    /// </summary>
    public async Task<BulkOutcome> CountAsync(JobFilter filter, CancellationToken cancellationToken)
    {
        var (jobs, next) = await FindAsync(filter, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        return new BulkOutcome(jobs.Count, 0, next?.ToToken());
    }

    /// <summary>Finds the filter's jobs and saves each request's changes together, a transaction at a time.</summary>
    /// <param name="filter">The jobs to take.</param>
    /// <param name="prepare">For jobs of one request, the change of each: after whatever must precede it (a retry's message).</param>
    /// <param name="cancellationToken">Cancels the call; what was saved stays saved.</param>
    private async Task<BulkOutcome> RunAsync(
        JobFilter filter, Func<JobEntity[], DateTimeOffset, CancellationToken, Task<(JobEntity, Func<JobEntity, bool>)[]>> prepare, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var (jobs, next) = await FindAsync(filter, now, cancellationToken).ConfigureAwait(false);
        var changed = 0;
        foreach (var chunk in jobs.GroupBy(job => job.PartitionKey).SelectMany(request => request.Chunk(JobTable.TransactionSize)))
        {
            var saves = await prepare(chunk, now, cancellationToken).ConfigureAwait(false);
            if (saves.Length > 0)
            {
                var results = await records.SaveGroupAsync(saves, cancellationToken).ConfigureAwait(false);
                changed += results.Count(r => r.Changed);
            }
        }

        return new BulkOutcome(jobs.Count, changed, next?.ToToken());
    }

    private Task<(List<JobEntity> Jobs, ListingCursor? Next)> FindAsync(JobFilter filter, DateTimeOffset now, CancellationToken cancellationToken) =>
        filter.RequestKey is { } key ? FindInRequestAsync(key, filter, now, cancellationToken) : FindInRangeAsync(filter, now, cancellationToken);

    private async Task<(List<JobEntity> Jobs, ListingCursor? Next)> FindInRequestAsync(string key, JobFilter filter, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var jobs = await listing.ListRequestAsync(key, filter.Status, now, filter.After?.Row, MaxJobsPerCall, cancellationToken)
            .Take(MaxJobsPerCall).ToListAsync(cancellationToken).ConfigureAwait(false);
        return (jobs, jobs.Count == MaxJobsPerCall ? new ListingCursor(jobs[^1].Id) : null);
    }

    /// <summary>
    /// The status listing's jobs, newest request first, from the first request at or before <see cref="JobFilter.To"/>
    /// back to <see cref="JobFilter.From"/>: the index is kept by request hour, so only those hours are read.
    /// </summary>
    private async Task<(List<JobEntity> Jobs, ListingCursor? Next)> FindInRangeAsync(JobFilter filter, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var start = filter.After ?? (filter.To < now ? new ListingCursor(JobIds.FirstKeyAt(filter.To.Value) + JobIds.Row(0)) : null);
        var span = JobService.ListingSpan(Ttl);
        if (filter.From is { } from && now - from + TimeSpan.FromHours(1) < span)
        {
            span = now - from + TimeSpan.FromHours(1);
        }

        var (listed, next) = await listing.ListAsync(filter.Status, now, span < TimeSpan.Zero ? TimeSpan.Zero : span, MaxJobsPerCall, start, cancellationToken).ConfigureAwait(false);
        var jobs = listed.TakeWhile(job => filter.From is not { } earliest || JobIds.RequestTime(job.Id) >= earliest).ToList();
        return (jobs, jobs.Count == listed.Count ? next : null);
    }
}
