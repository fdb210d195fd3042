using Microsoft.Extensions.Logging;

namespace Tally.Jobs;

/// <summary>Deletes job records whose results have expired.</summary>
public sealed partial class JobPurger(JobStore store, Microsoft.Extensions.Options.IOptionsMonitor<JobsOptions> options, TimeProvider time, ILogger<JobPurger> logger)
{
    /// <summary>Deletes every expired job record, reading only the index rows of requests older than the result TTL.</summary>
    /// <returns>How many records were deleted.</returns>
    public async Task<int> PurgeExpiredAsync(CancellationToken cancellationToken)
    {
        var deleted = await store.PurgeAsync(time.GetUtcNow(), options.CurrentValue.ResultTtl, cancellationToken).ConfigureAwait(false);
        LogPurged(deleted);
        return deleted;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Purged {Count} expired jobs")]
    private partial void LogPurged(int count);
}
