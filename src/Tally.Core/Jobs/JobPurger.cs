using Microsoft.Extensions.Logging;

namespace Tally.Jobs;

/// <summary>Deletes job records whose results have expired.</summary>
public sealed partial class JobPurger(JobStore store, TimeProvider time, ILogger<JobPurger> logger)
{
    /// <summary>Deletes every expired job record.</summary>
    /// <returns>How many records were deleted.</returns>
    public async Task<int> PurgeExpiredAsync(CancellationToken cancellationToken)
    {
        var deleted = 0;
        await foreach (var (id, etag) in store.ListExpiredAsync(time.GetUtcNow(), cancellationToken).ConfigureAwait(false))
        {
            if (await store.DeleteAsync(id, etag, cancellationToken).ConfigureAwait(false))
            {
                deleted++;
            }
        }

        LogPurged(deleted);
        return deleted;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Purged {Count} expired jobs")]
    private partial void LogPurged(int count);
}
