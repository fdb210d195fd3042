using Tally.Callbacks;

namespace Tally.Batches;

/// <summary>A batch, as <c>GET /api/batches/{id}</c> answers it.</summary>
public sealed record Batch(
    string Id, string Status, BatchProgress Progress, DateTimeOffset CreatedAt, DateTimeOffset LastUpdatedAt, BatchResult? Result, string StatusUrl, string? Error)
{
    /// <summary>Where the results after the first page are, when there are more.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? NextPages { get; init; }

    /// <summary>Where and how its end's call stands, when it was started with a <c>callbackUrl</c>.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public CallbackState? Callback { get; init; }

    /// <summary>The path at which a batch's state is read.</summary>
    public static string StatusPath(string id) => $"/api/batches/{id}";
}

/// <summary>A slice of a batch's per-page results, as <c>GET /api/batches/{id}/pages</c> answers it.</summary>
/// <param name="Id">The batch.</param>
/// <param name="Status">Its status.</param>
/// <param name="Total">How many URLs it has.</param>
/// <param name="Offset">The index of the first page in <paramref name="Pages"/>.</param>
/// <param name="Pages">The results, in the order of the batch's URLs (empty until the batch completes).</param>
public sealed record BatchPages(string Id, string Status, int Total, int Offset, IReadOnlyList<PageResult> Pages);

/// <summary>A batch as a listing shows it: its status and times (its progress is on <see cref="Batch.StatusPath"/>).</summary>
public sealed record BatchSummary(string Id, string Status, DateTimeOffset CreatedAt, DateTimeOffset LastUpdatedAt, string StatusUrl);

/// <summary>How a terminate went.</summary>
public enum BatchChange
{
    /// <summary>Terminated.</summary>
    Changed,

    /// <summary>No such batch.</summary>
    NotFound,

    /// <summary>The batch has already finished.</summary>
    Conflict,
}
