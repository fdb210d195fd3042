using Microsoft.Extensions.Options;
using Tally.Callbacks;

namespace Tally.Jobs.Search;

/// <summary>Finds jobs the status listing alone does not: a request's jobs, and a status's jobs of one origin.</summary>
/// <remarks>
/// A request's jobs share a partition, so its listing is one bounded query a page. Table storage cannot filter on a
/// URL's host, so an origin search reads the status listing's jobs <see cref="ScanSize"/> at a time and keeps the
/// matches: a page costs what a status listing page of <see cref="ScanSize"/> costs, and may hold fewer matches than
/// asked (even none) with a continuation, when the origin's jobs are sparse.
/// </remarks>
public sealed class JobSearch(JobListing listing, CallbackService callbacks, IOptionsMonitor<JobsOptions> options, TimeProvider time)
{
    /// <summary>The most jobs one page of an origin search reads to find its matches.</summary>
    public const int ScanSize = 1000;

    /// <summary>The jobs of request <paramref name="requestKey"/>, in any status or in <paramref name="status"/>, of <paramref name="origin"/> if given, in their order.</summary>
    /// <returns>Up to <paramref name="limit"/> jobs, and the token of the next page (null at the end).</returns>
    public async Task<(IReadOnlyList<Job> Jobs, string? Continuation)> ListRequestAsync(
        string requestKey, JobStatus? status, OriginFilter? origin, int limit, ListingCursor? after, CancellationToken cancellationToken)
    {
        var found = new List<JobEntity>();
        var read = 0;
        var pageSize = origin is null ? limit : ScanSize;
        await foreach (var job in listing.ListRequestAsync(requestKey, status, time.GetUtcNow(), after?.Row, pageSize, cancellationToken).ConfigureAwait(false))
        {
            read++;
            if (origin?.Matches(job.Url) != false)
            {
                found.Add(job);
            }

            if (found.Count == limit || read == ScanSize)
            {
                return (await callbacks.ShowJobsAsync(found, cancellationToken).ConfigureAwait(false), new ListingCursor(job.Id).ToToken());
            }
        }

        return (await callbacks.ShowJobsAsync(found, cancellationToken).ConfigureAwait(false), null);
    }

    /// <summary>The jobs in <paramref name="status"/> of <paramref name="origin"/>, newest first, from the status listing's next <see cref="ScanSize"/> jobs.</summary>
    /// <returns>Up to <paramref name="limit"/> jobs, and the token of the next page (null at the end).</returns>
    public async Task<(IReadOnlyList<Job> Jobs, string? Continuation)> ListOriginAsync(
        JobStatus status, OriginFilter origin, int limit, ListingCursor? after, CancellationToken cancellationToken)
    {
        var span = JobService.ListingSpan(options.CurrentValue.ResultTtl);
        var (read, next) = await listing.ListAsync(status, time.GetUtcNow(), span, ScanSize, after, cancellationToken).ConfigureAwait(false);
        var found = read.Where(job => origin.Matches(job.Url)).Take(limit).ToList();
        var continuation = found.Count == limit ? new ListingCursor(found[^1].Id).ToToken() : next?.ToToken();
        return (await callbacks.ShowJobsAsync(found, cancellationToken).ConfigureAwait(false), continuation);
    }
}
