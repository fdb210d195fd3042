namespace Tally.Jobs.Bulk;

/// <summary>
/// The jobs a bulk action takes: those of one request in a status, or every job in a status whose request was made
/// within a time range; from where a previous call stopped, when given.
/// </summary>
/// <param name="RequestKey">The request whose jobs are taken; null for a status's jobs.</param>
/// <param name="Status">The status of the jobs taken.</param>
/// <param name="From">Without a request: the earliest request time taken (null: as far back as jobs are kept).</param>
/// <param name="To">Without a request: the latest request time taken (null: now).</param>
/// <param name="After">Where the previous call of this action stopped; null for the first.</param>
public sealed record JobFilter(string? RequestKey, JobStatus Status, DateTimeOffset? From, DateTimeOffset? To, ListingCursor? After);

/// <summary>What one bulk call did.</summary>
/// <param name="Matched">The jobs the filter matched in this call.</param>
/// <param name="Changed">Of those, the jobs changed (one another caller changed first is matched, not changed).</param>
/// <param name="Continuation">When the call stopped at its cap, the token that goes on from there; null when all are done.</param>
public sealed record BulkOutcome(
    int Matched,
    int Changed,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? Continuation);
