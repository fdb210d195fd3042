using Azure;
using Azure.Data.Tables;

namespace Tally.Jobs;

/// <summary>A job as stored in the <c>TallyJobs</c> table: one entity a job, keyed by its id.</summary>
public sealed class JobEntity : ITableEntity
{
    /// <summary>The row key every job entity has; the partition key is the job id.</summary>
    public const string JobRowKey = "job";

    /// <summary>The job id.</summary>
    public string PartitionKey { get; set; } = "";

    /// <inheritdoc />
    public string RowKey { get; set; } = JobRowKey;

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

    /// <summary>The Content-Type the origin declared.</summary>
    public string? ContentType { get; set; }

    /// <summary>The origin's last status code.</summary>
    public int? HttpStatus { get; set; }

    /// <summary>How many times a worker has started the job.</summary>
    public int Attempts { get; set; }

    /// <summary>The last error, if any.</summary>
    public string? Error { get; set; }

    /// <summary>When the job was (last) enqueued.</summary>
    public DateTimeOffset EnqueuedAt { get; set; }

    /// <summary>When the last attempt started.</summary>
    public DateTimeOffset? StartedAt { get; set; }

    /// <summary>When the job reached a final status.</summary>
    public DateTimeOffset? FinishedAt { get; set; }

    /// <summary>After this the job reads as unknown and is purged.</summary>
    public DateTimeOffset ExpiresAt { get; set; }

    /// <summary>The job id.</summary>
    public string Id => PartitionKey;

    /// <summary>The parsed status.</summary>
    public JobStatus JobStatus
    {
        get => JobStatusNames.TryParse(Status, out var status) ? status : JobStatus.Failed;
        set => Status = value.ToName();
    }

    /// <summary>Puts the job in a final <paramref name="status"/> at <paramref name="now"/>; its result is kept for <paramref name="ttl"/>.</summary>
    public void Finish(JobStatus status, DateTimeOffset now, TimeSpan ttl)
    {
        JobStatus = status;
        FinishedAt = now;
        ExpiresAt = now + ttl;
    }

    /// <summary>The job as the API shows it.</summary>
    public Job ToJob() => new(
        Id, Url, Status, Words, Bytes, ContentType, HttpStatus, Attempts, Error,
        EnqueuedAt, StartedAt, FinishedAt, ExpiresAt, Job.StatusPath(Id));
}
