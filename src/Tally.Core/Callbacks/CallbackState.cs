namespace Tally.Callbacks;

/// <summary>A job's or batch's <c>callback</c>, as its JSON shows it: where the call goes and how its delivery stands.</summary>
/// <param name="Url">The <c>callbackUrl</c> given.</param>
/// <param name="State"><c>pending</c> (not final yet, or being retried), <c>delivered</c> or <c>failed</c>.</param>
/// <param name="Attempts">Calls made so far.</param>
/// <param name="LastStatus">The receiver's last HTTP status, if it answered.</param>
/// <param name="LastError">Why the last attempt failed, if it did.</param>
/// <param name="DeliveredAt">When a call was answered with a 2xx.</param>
public sealed record CallbackState(string Url, string State, int Attempts, int? LastStatus, string? LastError, DateTimeOffset? DeliveredAt)
{
    /// <summary>A callback whose call has not been attempted yet.</summary>
    public static CallbackState Pending(string url) => new(url, DeliveryStates.Pending, 0, null, null, null);
}

/// <summary>The states of a delivery, as the API names them.</summary>
public static class DeliveryStates
{
    /// <summary>Owed: waiting for its work to finish, its first call, or a retry.</summary>
    public const string Pending = "pending";

    /// <summary>A call was answered with a 2xx.</summary>
    public const string Delivered = "delivered";

    /// <summary>Every attempt failed, or the receiver answered 410 Gone.</summary>
    public const string Failed = "failed";

    /// <summary>Every state, for validating <c>?status=</c>.</summary>
    public static readonly IReadOnlyList<string> All = [Pending, Delivered, Failed];
}

/// <summary>The event <c>type</c>s a call carries.</summary>
public static class CallbackEvents
{
    /// <summary>The type of a job reaching final status <paramref name="status"/>: <c>job.succeeded</c>, <c>job.failed</c>, <c>job.canceled</c>.</summary>
    public static string Job(string status) => $"job.{status}";

    /// <summary>The type of a batch ending in <paramref name="status"/>: <c>batch.completed</c>, <c>batch.failed</c>, <c>batch.terminated</c>.</summary>
    public static string Batch(string status) => $"batch.{status}";

    /// <summary>Every job of a request with <c>callbackMode: "request"</c> is final.</summary>
    public const string RequestCompleted = "request.completed";
}

/// <summary>A delivery as <c>GET /api/deliveries</c> lists it.</summary>
public sealed record Delivery(
    string Id, string Type, string ResourceId, string Url, string State, int Attempts, int? LastStatus, string? LastError, DateTimeOffset CreatedAt);
