using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Tally.Jobs;

/// <summary>
/// Shows that a delivery's jobs are alive while it runs them: every <see cref="JobsOptions.HeartbeatInterval"/> it writes
/// the <c>running</c> index row of their request again (<see cref="JobIndex.MarkRunningAsync"/>), so
/// <see cref="JobReviver"/> can tell a worker that died from one that is still counting.
/// </summary>
/// <remarks>
/// <para>
/// Why the index row and not the records: a write to a record changes its ETag, and the worker's own later writes of
/// the same records (the results) are checked by the ETags it read, so a heartbeat there would turn each result write
/// into a conflict and a re-read. The row is written anyway by the claim (its first sign of life), is one per request
/// whatever the number of jobs, and the index shares the writes of concurrent deliveries: all the heartbeats of an
/// hour's requests due at once are one transaction. A run shorter than the interval, as most are, writes nothing more.
/// </para>
/// <para>
/// The price is that a row speaks for every delivery of its request: a dead delivery's jobs are run again only once
/// no delivery of their request has shown a sign of life for <see cref="JobsOptions.HeartbeatTimeout"/>.
/// </para>
/// </remarks>
public sealed partial class JobHeartbeat(JobIndex index, IOptionsMonitor<JobsOptions> options, TimeProvider time, ILogger<JobHeartbeat> logger)
{
    /// <summary>Starts the heartbeat of a delivery of <paramref name="jobs"/>; disposing it stops it.</summary>
    public IAsyncDisposable Start(IReadOnlyList<JobMessage> jobs)
    {
        var requests = jobs.Select(job => JobIds.Split(job.JobId).PartitionKey).Distinct().ToArray();
        return new Beating(this, requests);
    }

    /// <summary>Writes the rows every interval until <paramref name="stop"/> is canceled; a lost write is logged, and the next one tries again.</summary>
    private async Task BeatAsync(string[] requests, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            await Task.Delay(options.CurrentValue.HeartbeatInterval, time, stop).ConfigureAwait(false);
            try
            {
                await index.MarkRunningAsync(requests, stop).ConfigureAwait(false);
            }
            catch (Exception ex) when (!stop.IsCancellationRequested)
            {
                LogMissed(ex, requests[0]);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A heartbeat of request {RequestKey}'s running jobs was not written; the next one tries again")]
    private partial void LogMissed(Exception exception, string requestKey);

    private sealed class Beating : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _beating;

        public Beating(JobHeartbeat heartbeat, string[] requests) => _beating = heartbeat.BeatAsync(requests, _stop.Token);

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync().ConfigureAwait(false);
            try
            {
                await _beating.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }

            _stop.Dispose();
        }
    }
}
