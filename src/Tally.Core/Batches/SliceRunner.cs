using System.Diagnostics;
using Microsoft.Extensions.Options;
using Tally.Fetching;
using Tally.Hosting;
using Tally.Politeness;

namespace Tally.Batches;

/// <summary>
/// The slice activity's work: fetch and count one slice of a batch's URLs, at most <see cref="SliceWork.Parallelism"/>
/// at once, then write the slice's results and return only its totals. Running it again (the activity retried after a
/// crash) fetches again and writes the same blob again.
/// </summary>
/// <remarks>
/// Bounded in time whatever its URLs do (<see cref="TimeBudget.Slice"/>, well under the host's function timeout): every
/// URL gets its first attempt before any is retried, which the slice size makes fit (<see cref="TimeBudget.MaxRounds"/>);
/// a transient failure is then retried with backoff only while the retry can end within the budget. So a slice of
/// hanging origins fails those URLs with their timeouts, and the batch goes on with every other page counted.
/// </remarks>
public sealed class SliceRunner(BatchStore store, BatchPageFetcher pages, TimeBudget budget, IOptionsMonitor<FetchOptions> fetch)
{
    /// <summary>Fetches and counts the slice's URLs and writes their results.</summary>
    public async Task<SliceSummary> RunAsync(SliceWork work, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var urls = await store.ReadUrlsAsync(work.BatchId, work.Slice, cancellationToken).ConfigureAwait(false);
        var results = new PageResult[urls.Count];
        var transient = new FetchFailedException?[urls.Count];
        await ForEachAsync(Enumerable.Range(0, urls.Count), work, async (i, ct) => (results[i], transient[i]) = await FirstAttemptAsync(urls[i], clock, ct).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        await ForEachAsync(Enumerable.Range(0, urls.Count).Where(i => transient[i] is not null), work, async (i, ct) =>
            results[i] = await RetryAsync(urls[i], transient[i]!, work.Retry, clock, ct).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);

        await store.WritePagesAsync(work.BatchId, work.Slice, results, cancellationToken).ConfigureAwait(false);
        var failed = results.Count(r => r.Error is not null);
        return new SliceSummary(work.Slice, results.Length, failed, results.Sum(r => r.Words ?? 0), results.Sum(r => r.Bytes ?? 0));
    }

    private static Task ForEachAsync(IEnumerable<int> items, SliceWork work, Func<int, CancellationToken, ValueTask> body, CancellationToken cancellationToken) =>
        Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = work.Parallelism, CancellationToken = cancellationToken }, body);

    /// <summary>A URL's first attempt: its result, and the failure to retry when it was transient.</summary>
    private async Task<(PageResult Result, FetchFailedException? Transient)> FirstAttemptAsync(string url, Stopwatch clock, CancellationToken cancellationToken)
    {
        try
        {
            return (await CountWaitingOutPausesAsync(url, clock, cancellationToken).ConfigureAwait(false), null);
        }
        catch (FetchFailedException ex) when (ex.IsTransient)
        {
            return (new PageResult(url, null, null, ex.Message), ex);
        }
    }

    /// <summary>Retries a URL whose first attempt failed transiently, each retry only if it can end within the slice's budget.</summary>
    private async Task<PageResult> RetryAsync(string url, FetchFailedException last, BatchRetry retry, Stopwatch clock, CancellationToken cancellationToken)
    {
        var wait = TimeSpan.FromMilliseconds(retry.FirstIntervalMs);
        var attempt = 1;
        for (; attempt < retry.MaxAttempts; attempt++)
        {
            if (!Fits(clock, wait))
            {
                return new PageResult(url, null, null, $"{last.Message} (after {attempt} attempt{(attempt == 1 ? "" : "s")}; {NoTimeLeft} for another)");
            }

            await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
            wait *= 2;
            try
            {
                return await CountWaitingOutPausesAsync(url, clock, cancellationToken).ConfigureAwait(false);
            }
            catch (FetchFailedException ex) when (ex.IsTransient)
            {
                last = ex;
            }
        }

        return new PageResult(url, null, null, $"{last.Message} (after {attempt} attempts)");
    }

    /// <summary>Counts a URL, waiting out its origin's pauses (a pause spends no attempt) while the slice's budget allows.</summary>
    private async Task<PageResult> CountWaitingOutPausesAsync(string url, Stopwatch clock, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                return await pages.CountAsync(url, cancellationToken).ConfigureAwait(false);
            }
            catch (OriginPausedException ex)
            {
                var pause = ex.Remaining > OriginPausedException.Shortest ? ex.Remaining : OriginPausedException.Shortest;
                if (!Fits(clock, pause))
                {
                    return new PageResult(url, null, null, $"{ex.Message} ({NoTimeLeft} to wait for it)");
                }

                await Task.Delay(pause, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Whether a fetch after <paramref name="wait"/> can still end within the slice's budget.</summary>
    private bool Fits(Stopwatch clock, TimeSpan wait) => clock.Elapsed + wait + fetch.CurrentValue.Timeout <= budget.Slice;

    private string NoTimeLeft => $"the slice's {budget.Slice.TotalSeconds:0.#} s budget, half the host's functionTimeout, left no time";
}
