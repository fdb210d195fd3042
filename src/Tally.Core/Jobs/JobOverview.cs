using Azure.Storage.Queues;
using Microsoft.Extensions.Options;

namespace Tally.Jobs;

/// <summary>The dashboard's overview: every figure read from a bounded number of entities, none from a scan of the job table.</summary>
/// <param name="AsOf">When the figures were read.</param>
/// <param name="Jobs">Jobs requested within the listing window, by status, each count capped at <see cref="JobOverviewService.CountCap"/>.</param>
/// <param name="Queue">The job queue's depth, as the queue service estimates it.</param>
/// <param name="PoisonQueue">The poison queue's depth, likewise.</param>
/// <param name="LastHour">The last 60 minutes, oldest first, every worker instance added up (written every few seconds).</param>
/// <param name="ThroughputDelay">How late a minute's figures may reach the table.</param>
public sealed record JobOverview(
    DateTimeOffset AsOf,
    IReadOnlyDictionary<string, StatusCount> Jobs,
    long Queue,
    long PoisonQueue,
    IReadOnlyList<MinuteTotals> LastHour,
    TimeSpan ThroughputDelay);

/// <summary>How many jobs are in a status; when <paramref name="Capped"/>, at least that many.</summary>
public sealed record StatusCount(int Count, bool Capped);

/// <summary>Reads the <see cref="JobOverview"/>.</summary>
public sealed class JobOverviewService(JobListing listing, JobThroughput throughput, QueueServiceClient queues, IOptionsMonitor<JobsOptions> options, TimeProvider time)
{
    /// <summary>The most jobs counted for one status (their keys read): past it the page shows "1,000+".</summary>
    public const int CountCap = 1000;

    /// <summary>Reads every figure, concurrently.</summary>
    public async Task<JobOverview> ReadAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var span = JobService.ListingSpan(options.CurrentValue.ResultTtl);
        var statuses = Enum.GetValues<JobStatus>();
        var counts = statuses.Select(s => listing.CountAsync(s, now, span, CountCap, cancellationToken)).ToArray();
        var depth = Depth(JobStorage.QueueName, cancellationToken);
        var poison = Depth(JobStorage.PoisonQueueName, cancellationToken);
        var lastHour = throughput.ReadAsync(60, cancellationToken);
        await Task.WhenAll([.. counts, depth, poison, lastHour]).ConfigureAwait(false);

        var jobs = statuses.Select((s, i) => (Name: s.ToName(), counts[i].Result)).ToDictionary(c => c.Name, c => new StatusCount(c.Result.Count, c.Result.Capped));
        return new JobOverview(now, jobs, depth.Result, poison.Result, lastHour.Result, JobThroughput.FlushInterval);
    }

    private async Task<long> Depth(string queue, CancellationToken cancellationToken)
    {
        try
        {
            return (await queues.GetQueueClient(queue).GetPropertiesAsync(cancellationToken).ConfigureAwait(false)).Value.ApproximateMessagesCount;
        }
        catch (Azure.RequestFailedException ex) when (ex.Status == 404)
        {
            return 0; // no queue yet: nothing waits
        }
    }
}
