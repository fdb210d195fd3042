namespace Tally.Client;

/// <summary>A job: one URL fetched and its words counted.</summary>
/// <param name="Id">32 lower-case hex digits; ids sort newest first.</param>
/// <param name="RequestId">The enqueue request that created the job.</param>
/// <param name="Url">The URL counted.</param>
/// <param name="Status">scheduled, queued, running, succeeded, failed or canceled.</param>
/// <param name="Words">The words counted, once succeeded.</param>
/// <param name="Bytes">The body bytes read.</param>
/// <param name="ContentType">The Content-Type the origin declared.</param>
/// <param name="HttpStatus">The origin's last status code.</param>
/// <param name="Attempts">How many times a worker started the job.</param>
/// <param name="Error">The last error, if any.</param>
/// <param name="EnqueuedAt">When the job was (last) enqueued.</param>
/// <param name="StartedAt">When the last attempt started.</param>
/// <param name="FinishedAt">When the job reached a final status.</param>
/// <param name="ExpiresAt">After this the job reads as unknown.</param>
/// <param name="RunAt">When a delayed job is due.</param>
/// <param name="StatusUrl">Where the job is read.</param>
public sealed record Job(
    string Id, string RequestId, string Url, string Status, long? Words, long? Bytes, string? ContentType, int? HttpStatus, int Attempts, string? Error,
    DateTimeOffset EnqueuedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, DateTimeOffset ExpiresAt, DateTimeOffset? RunAt, string StatusUrl)
{
    /// <summary>Whether the job will not change again: succeeded, failed or canceled.</summary>
    public bool IsFinished => Status is JobStatuses.Succeeded or JobStatuses.Failed or JobStatuses.Canceled;
}

/// <summary>The names of a job's statuses.</summary>
public static class JobStatuses
{
    /// <summary>Delayed: waiting for its <see cref="Job.RunAt"/>.</summary>
    public const string Scheduled = "scheduled";

    /// <summary>Waiting on the queue.</summary>
    public const string Queued = "queued";

    /// <summary>Being fetched and counted.</summary>
    public const string Running = "running";

    /// <summary>Counted.</summary>
    public const string Succeeded = "succeeded";

    /// <summary>Gave up; <see cref="Job.Error"/> says why.</summary>
    public const string Failed = "failed";

    /// <summary>Canceled before it started.</summary>
    public const string Canceled = "canceled";
}

/// <summary>What an enqueue request created.</summary>
/// <param name="RequestId">The request: <see cref="TallyClient.ListRequestJobsAsync"/> lists its jobs.</param>
/// <param name="Jobs">Its jobs, in the order of the URLs given.</param>
public sealed record EnqueuedJobs(string RequestId, IReadOnlyList<Job> Jobs);

/// <summary>When jobs run, and the key that makes an enqueue safe to repeat.</summary>
/// <param name="RunAt">When the jobs are due; null to run now.</param>
/// <param name="Delay">How long from now the jobs are due; null to run now.</param>
/// <param name="IdempotencyKey">A key of the caller's: a repeated request with it answers as the first did and creates nothing more.</param>
public sealed record EnqueueOptions(DateTimeOffset? RunAt = null, TimeSpan? Delay = null, string? IdempotencyKey = null);

/// <summary>How far a request's jobs have got.</summary>
/// <param name="Done">Jobs finished (succeeded, failed or canceled).</param>
/// <param name="Total">Jobs in the request.</param>
/// <param name="Failed">Of those finished, the ones that failed.</param>
public sealed record JobsProgress(int Done, int Total, int Failed);

/// <summary>The jobs a bulk retry or cancel takes.</summary>
/// <param name="Request">A request's jobs; null for a status's.</param>
/// <param name="Status">The status of the jobs taken; null for the action's own (retry: failed; cancel: queued).</param>
/// <param name="From">Without a request: the earliest request time taken.</param>
/// <param name="To">Without a request: the latest request time taken.</param>
public sealed record JobFilter(string? Request = null, string? Status = null, DateTimeOffset? From = null, DateTimeOffset? To = null)
{
    /// <summary>A request's jobs (in the action's status, or <paramref name="status"/>).</summary>
    public static JobFilter ForRequest(string requestId, string? status = null) => new(requestId, status);

    /// <summary>The jobs in <paramref name="status"/> whose request was made between <paramref name="from"/> and <paramref name="to"/>.</summary>
    public static JobFilter ForStatus(string status, DateTimeOffset? from = null, DateTimeOffset? to = null) => new(null, status, from, to);
}

/// <summary>What a bulk retry or cancel did, over every call it took.</summary>
/// <param name="Matched">The jobs the filter matched.</param>
/// <param name="Changed">Of those, the jobs changed (one another caller changed first is matched, not changed).</param>
public sealed record BulkOutcome(int Matched, int Changed);

/// <summary>A batch started or terminating.</summary>
/// <param name="Id">The batch id.</param>
/// <param name="Status">pending, or terminating.</param>
/// <param name="StatusUrl">Where the batch is read.</param>
public sealed record BatchAccepted(string Id, string Status, string StatusUrl);

/// <summary>A batch: status, progress and, once completed, its result.</summary>
/// <param name="Id">The batch id.</param>
/// <param name="Status">pending, running, completed, failed or terminated.</param>
/// <param name="Progress">How far it has got.</param>
/// <param name="CreatedAt">When it started.</param>
/// <param name="LastUpdatedAt">When it last changed.</param>
/// <param name="Result">Once completed, the gathered result.</param>
/// <param name="StatusUrl">Where the batch is read.</param>
/// <param name="Error">Why the batch failed.</param>
/// <param name="NextPages">The address of the results after the first 100.</param>
public sealed record Batch(
    string Id, string Status, BatchProgress Progress, DateTimeOffset CreatedAt, DateTimeOffset LastUpdatedAt, BatchResult? Result, string StatusUrl, string? Error, string? NextPages)
{
    /// <summary>Whether the batch will not change again: completed, failed or terminated.</summary>
    public bool IsFinished => Status is "completed" or "failed" or "terminated";
}

/// <summary>How far a batch has got.</summary>
/// <param name="Done">URLs finished.</param>
/// <param name="Total">URLs in the batch.</param>
/// <param name="Failed">Of those finished, the ones that failed.</param>
public sealed record BatchProgress(int Done, int Total, int Failed);

/// <summary>A completed batch's gathered result.</summary>
/// <param name="TotalWords">Words in every page counted.</param>
/// <param name="Succeeded">Pages counted.</param>
/// <param name="Failed">Pages that failed.</param>
/// <param name="Pages">The first 100 pages; <see cref="TallyClient.GetBatchPagesAsync"/> reads them all.</param>
public sealed record BatchResult(long TotalWords, int Succeeded, int Failed, IReadOnlyList<PageResult> Pages);

/// <summary>One URL's outcome in a batch.</summary>
/// <param name="Url">The URL.</param>
/// <param name="Words">Its words, when counted.</param>
/// <param name="Bytes">Its bytes, when counted.</param>
/// <param name="Error">Why it failed.</param>
public sealed record PageResult(string Url, long? Words, long? Bytes, string? Error);

/// <summary>A batch as a listing shows it.</summary>
/// <param name="Id">The batch id.</param>
/// <param name="Status">Its status.</param>
/// <param name="CreatedAt">When it started.</param>
/// <param name="LastUpdatedAt">When it last changed.</param>
/// <param name="StatusUrl">Where its progress and result are read.</param>
public sealed record BatchSummary(string Id, string Status, DateTimeOffset CreatedAt, DateTimeOffset LastUpdatedAt, string StatusUrl);

/// <summary>How often <c>WaitAsync</c> polls: from <paramref name="FirstInterval"/>, growing by <paramref name="Growth"/> to at most <paramref name="MaxInterval"/>.</summary>
/// <param name="FirstInterval">The first wait between polls.</param>
/// <param name="MaxInterval">The longest wait between polls (a Retry-After of the app's may ask for longer).</param>
/// <param name="Growth">How much each wait grows on the one before.</param>
public sealed record PollingOptions(TimeSpan FirstInterval, TimeSpan MaxInterval, double Growth = 1.5)
{
    /// <summary>250 ms growing to 5 s.</summary>
    public static PollingOptions Default { get; } = new(TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(5));
}

/// <summary>The dashboard's figures.</summary>
/// <param name="AsOf">When they were read.</param>
/// <param name="Jobs">Jobs by status, each count capped.</param>
/// <param name="Queue">The job queue's depth.</param>
/// <param name="PoisonQueue">The poison queue's depth.</param>
public sealed record Overview(DateTimeOffset AsOf, IReadOnlyDictionary<string, StatusCount> Jobs, long Queue, long PoisonQueue);

/// <summary>How many jobs are in a status.</summary>
/// <param name="Count">How many.</param>
/// <param name="Capped">Whether the count stopped at its cap (then at least that many).</param>
public sealed record StatusCount(int Count, bool Capped);
