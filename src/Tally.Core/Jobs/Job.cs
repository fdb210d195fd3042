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
    /// <summary>The path at which a job's state is read.</summary>
    public static string StatusPath(string id) => $"/api/jobs/{id}";
}
