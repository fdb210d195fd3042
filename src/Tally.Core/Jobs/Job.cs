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

    /// <summary>The path at which a job's state is read.</summary>
    public static string StatusPath(string id) => $"/api/jobs/{id}";
}
