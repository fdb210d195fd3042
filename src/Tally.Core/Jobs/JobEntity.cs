using Azure;
using Azure.Data.Tables;

namespace Tally.Jobs;

/// <summary>
/// A job as stored in the <c>TallyJobs</c> table: one entity a job. The jobs of one enqueue request
/// share a partition (the request key), so they are written, committed or rolled back 100 at a time.
/// </summary>
public sealed class JobEntity : ITableEntity
{
    /// <summary>The enqueue request's key, the first part of the job id.</summary>
    public string PartitionKey { get; set; } = "";

    /// <summary>The job's number within its request, the last part of the job id.</summary>
    public string RowKey { get; set; } = "";

    /// <inheritdoc />
    public DateTimeOffset? Timestamp { get; set; }

    /// <inheritdoc />
    public ETag ETag { get; set; }

    /// <summary>The URL to count.</summary>
    public string Url { get; set; } = "";

    /// <summary>The status's lower-case name.</summary>
    public string Status { get; set; } = JobStatus.Queued.ToName();

    /// <summary>The words counted.</summary>
    public long? Words { get; set; }

    /// <summary>The body bytes read.</summary>
    public long? Bytes { get; set; }

    /// <summary>The Content-Type the origin declared, as <see cref="StoredText"/> bounds it.</summary>
    public string? ContentType { get; set => field = StoredText.Bound(value); }

    /// <summary>The origin's last status code.</summary>
    public int? HttpStatus { get; set; }

    /// <summary>True when a <c>304 Not Modified</c> confirmed the count kept from the URL's last fetch (no body was read).</summary>
    public bool? Revalidated { get; set; }

    /// <summary>How long the job waited for its origin's limits and pauses, in milliseconds, if it waited.</summary>
    public long? PoliteWaitMs { get; set; }

    /// <summary>
    /// Whether the record itself says that the request that enqueued the job finished sending its messages. A record
    /// that does not is visible, and expires, as its request's commit row says (<see cref="JobVisibility.Resolve"/> gives it that on
    /// every read, and its first saved change writes it here); with no commit it stays invisible, and its provisional
    /// expiry removes it.
    /// </summary>
    public bool Dispatched { get; set; }

    /// <summary>The job's current run: 1 when enqueued, one more for each retry. Messages name a run.</summary>
    public int Run { get; set; } = 1;

    /// <summary>The token of the delivery that claimed the running job; only it may finish the job.</summary>
    public string? ClaimToken { get; set; }

    /// <summary>How many times the job was run again because its worker died, since it was enqueued or last retried (see <see cref="JobStateMachine.Revive"/>).</summary>
    public int Revivals { get; set; }

    /// <summary>How many times a worker has started the job.</summary>
    public int Attempts { get; set; }

    /// <summary>The last error, if any, as <see cref="StoredText"/> bounds it (it may quote what an origin sent).</summary>
    public string? Error { get; set => field = StoredText.Bound(value); }

    /// <summary>When a delayed job is due: it is <c>scheduled</c> until then; null for a job that runs at once.</summary>
    public DateTimeOffset? RunAt { get; set; }

    /// <summary>When the job was (last) enqueued.</summary>
    public DateTimeOffset EnqueuedAt { get; set; }

    /// <summary>When the last attempt started.</summary>
    public DateTimeOffset? StartedAt { get; set; }

    /// <summary>When the job reached a final status.</summary>
    public DateTimeOffset? FinishedAt { get; set; }

    /// <summary>After this the job reads as unknown and is purged.</summary>
    public DateTimeOffset ExpiresAt { get; set; }

    /// <summary>Where a call goes when the job (or, in request mode, its request) is final; null for none.</summary>
    public string? CallbackUrl { get; set; }

    /// <summary><c>request</c> when one call covers the whole request; null for a call per job.</summary>
    public string? CallbackMode { get; set; }

    /// <summary>The job id.</summary>
    public string Id => PartitionKey + RowKey;

    /// <summary>
    /// The parsed status. One this version does not know (a newer version's) reads as failed, which is final: every
    /// transition refuses it, retry too (<see cref="JobStateMachine.NextRun"/>), and the API shows <see cref="Status"/> as stored.
    /// </summary>
    public JobStatus JobStatus
    {
        get => JobStatusNames.TryParse(Status, out var status) ? status : JobStatus.Failed;
        set => Status = value.ToName();
    }

    /// <summary>The job as the API shows it.</summary>
    public Job ToJob() => new(
        Id, Url, Status, Words, Bytes, ContentType, HttpStatus, Attempts, Error,
        EnqueuedAt, StartedAt, FinishedAt, ExpiresAt, Job.StatusPath(Id))
    {
        RunAt = RunAt,
        Revalidated = Revalidated,
        PoliteWaitMs = PoliteWaitMs,
        Callback = CallbackUrl is null ? null : Callbacks.CallbackState.Pending(CallbackUrl),
    };
}
