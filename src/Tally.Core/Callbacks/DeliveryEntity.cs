using Azure;
using Azure.Data.Tables;

namespace Tally.Callbacks;

/// <summary>
/// A delivery in the <c>TallyDeliveries</c> table: the call owed for one event, its body (sent the same on every attempt)
/// and how its attempts went. Partitioned by the key of the request or batch the event is about, so deliveries list
/// newest first; its id (<see cref="DeliveryIds"/>) is the <c>webhook-id</c> of every attempt.
/// </summary>
public sealed class DeliveryEntity : ITableEntity
{
    /// <summary>The most characters of an error kept.</summary>
    public const int MaxErrorLength = 1024;

    /// <inheritdoc />
    public string PartitionKey { get; set; } = "";

    /// <inheritdoc />
    public string RowKey { get; set; } = "";

    /// <inheritdoc />
    public DateTimeOffset? Timestamp { get; set; }

    /// <inheritdoc />
    public ETag ETag { get; set; }

    /// <summary>The event type.</summary>
    public string Type { get; set; } = "";

    /// <summary>The job, request or batch the event is about.</summary>
    public string ResourceId { get; set; } = "";

    /// <summary>Where the call goes.</summary>
    public string Url { get; set; } = "";

    /// <summary>The call's body: the event envelope's UTF-8 JSON.</summary>
    public byte[] Body { get; set; } = [];

    /// <summary>One of <see cref="DeliveryStates"/>.</summary>
    public string State { get; set; } = DeliveryStates.Pending;

    /// <summary>Which round of attempts is current: 1, and one more for each redelivery. Messages name a round.</summary>
    public int Round { get; set; } = 1;

    /// <summary>Attempts started in this round.</summary>
    public int Attempts { get; set; }

    /// <summary>The id of the message whose delivery holds the current attempt; only it may record the outcome.</summary>
    public string? ClaimToken { get; set; }

    /// <summary>The receiver's last HTTP status.</summary>
    public int? LastStatus { get; set; }

    /// <summary>Why the last attempt failed, at most <see cref="MaxErrorLength"/> characters (an excerpt of the response body at most).</summary>
    public string? LastError { get; set; }

    /// <summary>When the delivery was created: the event's time.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the next retry is due, while one is.</summary>
    public DateTimeOffset? NextAttemptAt { get; set; }

    /// <summary>When a call was answered with a 2xx.</summary>
    public DateTimeOffset? DeliveredAt { get; set; }

    /// <summary>The delivery's id, the <c>webhook-id</c>.</summary>
    public string Id => DeliveryIds.Of(PartitionKey, RowKey);

    /// <summary>The delivery as the log lists it.</summary>
    public Delivery ToDelivery() => new(Id, Type, ResourceId, Url, State, Attempts, LastStatus, LastError, CreatedAt);

    /// <summary>The delivery as its job's or batch's <c>callback</c> shows it.</summary>
    public CallbackState ToCallbackState() => new(Url, State, Attempts, LastStatus, LastError, DeliveredAt);
}

/// <summary>
/// Delivery ids: the 28-digit key of the request or batch (newest first, as job ids sort), a dash, and what the event is
/// about: <c>j{row}r{run}</c> for a job's run, <c>batch</c>, or <c>request</c>. One event, one id, whoever creates it.
/// </summary>
public static class DeliveryIds
{
    /// <summary>The id of the delivery with these table keys.</summary>
    public static string Of(string partitionKey, string rowKey) => $"{partitionKey}-{rowKey}";

    /// <summary>The delivery of run <paramref name="run"/> of job <paramref name="jobId"/>.</summary>
    public static string Job(string jobId, int run) => Of(jobId[..Jobs.JobIds.KeyLength], $"j{jobId[Jobs.JobIds.KeyLength..]}r{run}");

    /// <summary>The delivery of a batch's end (<paramref name="batchId"/> is <c>b</c> and its key).</summary>
    public static string Batch(string batchId) => Of(batchId[1..], "batch");

    /// <summary>The delivery of a request's completion.</summary>
    public static string Request(string requestKey) => Of(requestKey, "request");

    /// <summary>The table keys of <paramref name="id"/>, or null when it is not a delivery id.</summary>
    public static (string PartitionKey, string RowKey)? Split(string? id)
    {
        const int key = Jobs.JobIds.KeyLength;
        if (id is null || id.Length is <= key + 1 or > key + 16 || id[key] != '-' || !Jobs.JobIds.IsValidKey(id[..key]))
        {
            return null;
        }

        var row = id[(key + 1)..];
        return row.All(char.IsAsciiLetterOrDigit) ? (id[..key], row) : null;
    }
}
