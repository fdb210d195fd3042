using System.Collections.Concurrent;
using Azure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Tally.Jobs;

/// <summary>
/// Runs again, under a new run, the running jobs whose worker died: those with no sign of life (their claim, or a
/// heartbeat of their request, see <see cref="JobHeartbeat"/>) for <see cref="JobsOptions.HeartbeatTimeout"/>. Without
/// it, such a job waits for its message, which the host keeps invisible for 10 minutes after a worker dies.
/// </summary>
/// <remarks>
/// <para>
/// It reads the index's <c>running</c> rows, never the records of a request with a fresh row: only a request whose row
/// went stale has its running records read (one query), and a row found with nothing to revive is not read again until
/// it is written again (or grows old enough to be removed, as a listing removes it).
/// </para>
/// <para>
/// A revival is a retry's order: the next run's message first (one for the dead message's jobs), then the records move
/// to that run in one transaction, each by <see cref="JobStateMachine.Revive"/>, whose guard is checked again on the
/// record as saved. Storage failing anywhere in between leaves either nothing changed (the next pass revives the job,
/// perhaps with a second message of the same run, which finds the run claimed or finished and does nothing) or a
/// message ahead of its record, which changes nothing when it runs out.
/// </para>
/// </remarks>
public sealed partial class JobReviver(JobIndex index, JobListing listing, JobRecords records, JobQueue queue, IOptionsMonitor<JobsOptions> options, TimeProvider time, ILogger<JobReviver> logger)
{
    /// <summary>Rows read with nothing to revive, as read (and whether they were old enough to be removed then): not read again while unchanged.</summary>
    private readonly ConcurrentDictionary<string, (ETag ETag, bool Old)> _settled = new();

    /// <summary>Revives every job whose worker died.</summary>
    /// <returns>How many jobs were run again.</returns>
    public async Task<int> ReviveAsync(CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        var now = time.GetUtcNow();
        var staleBefore = now - settings.HeartbeatTimeout;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var revived = 0;
        await foreach (var entry in index.ListAsync(JobStatus.Running, now, JobService.ListingSpan(settings.ResultTtl), null, null, cancellationToken).ConfigureAwait(false))
        {
            var key = entry.Partition + entry.RowKey;
            seen.Add(key);
            var old = entry.WrittenAt < now - JobIndex.StaleAfter;
            if (entry.WrittenAt >= staleBefore || (_settled.TryGetValue(key, out var settled) && settled.ETag == entry.ETag && (settled.Old || !old)))
            {
                continue; // a delivery of the request showed a sign of life lately, or nothing changed since the last look
            }

            var (count, live) = await ReviveRequestAsync(entry, now, staleBefore, settings.MaxRevivals, cancellationToken).ConfigureAwait(false);
            revived += count;
            if (!live)
            {
                _settled[key] = (entry.ETag, old);
            }
        }

        foreach (var key in _settled.Keys.Where(key => !seen.Contains(key)))
        {
            _settled.TryRemove(key, out _); // the row is gone
        }

        return revived;
    }

    /// <summary>Revives the dead jobs of one request whose row went stale.</summary>
    /// <returns>How many were revived, and whether one of its running jobs was claimed lately (and will show its own sign of life).</returns>
    private async Task<(int Revived, bool Live)> ReviveRequestAsync(IndexEntry entry, DateTimeOffset now, DateTimeOffset staleBefore, int maxRevivals, CancellationToken cancellationToken)
    {
        var running = await listing.InStatusAsync(entry.RequestKey, JobStatus.Running, now, cancellationToken).ConfigureAwait(false);
        if (running.Count == 0)
        {
            await listing.ForgetIfEmptyAsync(entry, JobStatus.Running, now, cancellationToken).ConfigureAwait(false);
            return (0, false);
        }

        var revived = 0;
        var dead = running.Where(job => JobStateMachine.CanRevive(job, job.Run, job.ClaimToken!, staleBefore, maxRevivals));
        foreach (var message in dead.GroupBy(job => job.ClaimToken!))
        {
            foreach (var jobs in message.Chunk(JobQueue.JobsPerMessage))
            {
                revived += await ReviveMessageAsync(message.Key, jobs, staleBefore, maxRevivals, cancellationToken).ConfigureAwait(false);
            }
        }

        return (revived, running.Any(job => job.StartedAt >= staleBefore));
    }

    /// <summary>Sends the next run's message of jobs that one dead message held, then moves them to it.</summary>
    private async Task<int> ReviveMessageAsync(string token, JobEntity[] jobs, DateTimeOffset staleBefore, int maxRevivals, CancellationToken cancellationToken)
    {
        var runs = jobs.ToDictionary(job => job.Id, job => job.Run);
        await queue.SendAsync([.. jobs.Select(job => new JobMessage(job.Id, job.Run + 1))], cancellationToken).ConfigureAwait(false);
        bool Revive(JobEntity job) => JobStateMachine.Revive(job, runs[job.Id], token, staleBefore, maxRevivals);
        var saved = await records.SaveGroupAsync([.. jobs.Select(job => (job, (Func<JobEntity, bool>)Revive))], cancellationToken).ConfigureAwait(false);
        var revived = saved.Count(result => result.Changed);
        LogRevived(revived, jobs[0].PartitionKey, token);
        return revived;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ran again {Count} jobs of request {RequestKey} whose worker (message {MessageId}) stopped showing it was alive")]
    private partial void LogRevived(int count, string requestKey, string messageId);
}
