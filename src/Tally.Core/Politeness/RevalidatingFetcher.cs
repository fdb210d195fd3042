using Azure;
using Microsoft.Extensions.Logging;
using Tally.Fetching;

namespace Tally.Politeness;

/// <summary>
/// Fetches a page conditionally when its last count is still kept: the origin answers <c>304 Not Modified</c> and the
/// kept count is reused, so recurring work on unchanged pages costs a round trip, not a download.
/// </summary>
/// <remarks>
/// Validators only save work: when storage cannot look them up or keep them, the page is fetched, or its count kept,
/// as if there were none, and the job is not held back.
/// </remarks>
public sealed partial class RevalidatingFetcher(PageFetcher pages, ValidatorStore validators, TimeProvider time, ILogger<RevalidatingFetcher> logger)
{
    /// <summary>Counts <paramref name="url"/>, revalidating its kept count if any, and keeps what it finds for <paramref name="keepFor"/>.</summary>
    /// <exception cref="FetchFailedException">The page could not be fetched or counted.</exception>
    public async Task<PageCount> CountAsync(Uri url, TimeSpan keepFor, CancellationToken cancellationToken)
    {
        PageValidators? known = null;
        try
        {
            known = await validators.FindAsync(url, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsStorageTrouble(ex, cancellationToken))
        {
            LogStorageTrouble(ex, "look up");
        }

        var page = await pages.CountAsync(url, known, cancellationToken).ConfigureAwait(false);
        if (!page.Revalidated && (page.ETag != known?.ETag || page.LastModified != known?.LastModified || page.Words != known?.Words))
        {
            try
            {
                await validators.SaveAsync(url, page, time.GetUtcNow() + keepFor, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsStorageTrouble(ex, cancellationToken))
            {
                LogStorageTrouble(ex, "keep");
            }
        }

        return page;
    }

    private static bool IsStorageTrouble(Exception ex, CancellationToken cancellationToken) =>
        ex is RequestFailedException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not {Action} a page's validators; it is fetched unconditionally")]
    private partial void LogStorageTrouble(Exception exception, string action);
}
