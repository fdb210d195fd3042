using Tally.Fetching;
using Tally.Politeness;

namespace Tally.Batches;

/// <summary>The batch activity's work: fetch and count one URL with the same engine as jobs.</summary>
public sealed class BatchPageFetcher(PageFetcher pages)
{
    /// <summary>Counts <paramref name="url"/>; a permanent or unexpected failure is returned as the page's error, never retried.</summary>
    /// <exception cref="FetchFailedException">A transient failure, thrown so the orchestrator's retry policy applies.</exception>
    /// <exception cref="OriginPausedException">The origin asked to wait: try again after its pause, without counting an attempt.</exception>
    public async Task<PageResult> CountAsync(string url, CancellationToken cancellationToken)
    {
        try
        {
            var page = await pages.CountAsync(new Uri(url), cancellationToken).ConfigureAwait(false);
            return new PageResult(url, page.Words, page.Bytes, null);
        }
        catch (FetchFailedException ex) when (!ex.IsTransient)
        {
            return new PageResult(url, null, null, ex.Message);
        }
        catch (Exception ex) when (ex is not (FetchFailedException or OriginPausedException or OperationCanceledException))
        {
            return new PageResult(url, null, null, $"Tally could not count the page ({ex.GetType().Name}): {ex.Message}");
        }
    }
}
