using Tally.Fetching;
using Tally.Politeness;

namespace Tally.Batches;

/// <summary>
/// The slice activity's work: fetch and count one slice of a batch's URLs, at most <see cref="SliceWork.Parallelism"/>
/// at once, retrying each transient failure with backoff, then write the slice's results and return only its totals.
/// Running it again (the activity retried after a crash) fetches again and writes the same blob again.
/// </summary>
public sealed class BatchSliceCounter(BatchStore store, BatchPageCounter pages)
{
    /// <summary>Counts the slice.</summary>
    public async Task<SliceSummary> CountAsync(SliceWork work, CancellationToken cancellationToken)
    {
        var urls = await store.ReadUrlsAsync(work.BatchId, work.Slice, cancellationToken).ConfigureAwait(false);
        var results = new PageResult[urls.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, urls.Count),
            new ParallelOptions { MaxDegreeOfParallelism = work.Parallelism, CancellationToken = cancellationToken },
            async (i, ct) => results[i] = await CountWithRetriesAsync(urls[i], work.Retry, ct).ConfigureAwait(false)).ConfigureAwait(false);

        await store.WritePagesAsync(work.BatchId, work.Slice, results, cancellationToken).ConfigureAwait(false);
        var failed = results.Count(r => r.Error is not null);
        return new SliceSummary(work.Slice, results.Length, failed, results.Sum(r => r.Words ?? 0), results.Sum(r => r.Bytes ?? 0));
    }

    private async Task<PageResult> CountWithRetriesAsync(string url, BatchRetry retry, CancellationToken cancellationToken)
    {
        var wait = TimeSpan.FromMilliseconds(retry.FirstIntervalMs);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await pages.CountAsync(url, cancellationToken).ConfigureAwait(false);
            }
            catch (FetchFailedException ex) when (ex.IsTransient)
            {
                if (attempt >= retry.MaxAttempts)
                {
                    return new PageResult(url, null, null, $"{ex.Message} (after {attempt} attempts)");
                }
            }
            catch (OriginPausedException ex)
            {
                attempt--; // the page was never fetched: a pause spends no attempt
                await Task.Delay(ex.Remaining > OriginPausedException.Shortest ? ex.Remaining : OriginPausedException.Shortest, cancellationToken).ConfigureAwait(false);
                continue;
            }

            await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
            wait *= 2;
        }
    }
}
