namespace Tally.Batches;

/// <summary>
/// A batch's input: the URLs, how many to fetch at once, the retry policy, and how large a chunk is.
/// Everything replay depends on travels here, so a change of settings never reaches a batch in flight.
/// </summary>
/// <param name="Urls">The URLs to count, already checked by <see cref="Fetching.UrlPolicy"/>.</param>
/// <param name="MaxParallelism">The most fetches in flight at once, across the whole batch.</param>
/// <param name="Retry">How transient failures are retried.</param>
/// <param name="ChunkSize">The most URLs one orchestration fetches itself (0, in inputs written before it travelled here: 500).</param>
public sealed record BatchRequest(IReadOnlyList<string> Urls, int MaxParallelism, BatchRetry Retry, int ChunkSize = 0);

/// <summary>A retry policy, carried in the input so the orchestration stays deterministic and tests can shorten it.</summary>
/// <param name="MaxAttempts">Attempts per URL, the first included.</param>
/// <param name="FirstIntervalMs">The wait before the first retry; each further wait doubles it.</param>
public sealed record BatchRetry(int MaxAttempts, int FirstIntervalMs);

/// <summary>One URL's outcome: its counts, or why it failed.</summary>
public sealed record PageResult(string Url, long? Words, long? Bytes, string? Error);

/// <summary>The gathered result of a completed batch.</summary>
public sealed record BatchResult(long TotalWords, int Succeeded, int Failed, IReadOnlyList<PageResult> Pages);

/// <summary>A running batch's progress, published as the orchestration's custom status.</summary>
public sealed record BatchProgress(int Done, int Total, int Failed);

/// <summary>How far a chunk (a sub-orchestration) has got, sent to its batch as an event; counts are cumulative.</summary>
/// <param name="InstanceId">The chunk's instance id.</param>
/// <param name="Done">Pages the chunk has finished.</param>
/// <param name="Failed">Of those, the ones that failed.</param>
public sealed record ChunkProgress(string InstanceId, int Done, int Failed)
{
    /// <summary>The event's name.</summary>
    public const string EventName = "chunk-progress";
}
