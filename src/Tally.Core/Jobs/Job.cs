namespace Tally.Jobs;

/// <summary>A job's state and result, as <c>GET /api/jobs/{id}</c> answers it.</summary>
public sealed record Job(
    string Id,
    string Url,
    string Status,
    long? Words,
    long? Bytes,
    string? ContentType,
    int? HttpStatus,
    int Attempts,
    string? Error,
    DateTimeOffset EnqueuedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    DateTimeOffset ExpiresAt,
    string StatusUrl)
{
    /// <summary>When a delayed job is due (absent for a job that runs at once).</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public DateTimeOffset? RunAt { get; init; }

    /// <summary>The <c>POST /api/jobs</c> request that created the job: its id begins with the request's key.</summary>
    public string RequestId => Id[..JobIds.KeyLength];

    /// <summary>True when a <c>304 Not Modified</c> confirmed the count kept from the URL's last fetch, so <see cref="Bytes"/> is 0 (absent otherwise).</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public bool? Revalidated { get; init; }

    /// <summary>How long the job waited for its origin's limits and pauses, in milliseconds (absent when it did not wait).</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public long? PoliteWaitMs { get; init; }

    /// <summary>Where and how its completion call stands, when it was enqueued with a <c>callbackUrl</c>.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public Callbacks.CallbackState? Callback { get; init; }

    /// <summary>The path at which a job's state is read.</summary>
    public static string StatusPath(string id) => $"/api/jobs/{id}";
}
