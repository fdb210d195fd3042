using Tally.Jobs;

namespace Tally.Batches;

/// <summary>
/// A batch's input: how many URLs, how many to fetch at once, the retry policy, and how large a slice is.
/// Everything replay depends on travels here, so a change of settings never reaches a batch in flight.
/// </summary>
/// <remarks>
/// A batch started now has <see cref="SliceSize"/> &gt; 0: its URLs are in blobs (<see cref="BatchStore"/>), and
/// <see cref="Urls"/> is empty. Batches started before slices (<see cref="SliceSize"/> 0) carry their URLs here and
/// run as they began, one activity a URL, so a deployment never breaks a batch in flight.
/// </remarks>
/// <param name="Urls">Earlier batches only: the URLs to count.</param>
/// <param name="MaxParallelism">The most fetches in flight at once, across the whole batch.</param>
/// <param name="Retry">How transient failures are retried.</param>
/// <param name="ChunkSize">Earlier batches only: the most URLs one orchestration fetched itself (0: 500).</param>
/// <param name="SliceSize">The URLs one slice activity fetches; 0 in batches started before slices.</param>
/// <param name="UrlCount">How many URLs the batch has (with slices).</param>
/// <param name="GenerationSize">How many slices one generation of the orchestration starts before it continues as new.</param>
/// <param name="Carried">Where the previous generation left off; null in the first.</param>
/// <param name="CallbackUrl">Where to call when the batch ends; null for nowhere.</param>
public sealed record BatchRequest(
    IReadOnlyList<string> Urls, int MaxParallelism, BatchRetry Retry, int ChunkSize = 0, int SliceSize = 0, int UrlCount = 0,
    int GenerationSize = 0, BatchCarry? Carried = null, string? CallbackUrl = null)
{
    /// <summary>How many URLs the batch has, whichever way it carries them.</summary>
    public int Total => SliceSize > 0 ? UrlCount : Urls.Count;
}

/// <summary>What one generation of a batch's orchestration hands the next: the first slice not yet started, and the totals so far.</summary>
public sealed record BatchCarry(int NextSlice, int Done, int Failed, long Words);

/// <summary>One slice activity's input: which slice of which batch, how many of its fetches may run at once, and the retry policy.</summary>
public sealed record SliceWork(string BatchId, int Slice, int Parallelism, BatchRetry Retry);

/// <summary>A slice activity's output: only totals, its per-page results are in its blob.</summary>
public sealed record SliceSummary(int Slice, int Done, int Failed, long Words, long Bytes);

/// <summary>A retry policy, carried in the input so the orchestration stays deterministic and tests can shorten it.</summary>
/// <param name="MaxAttempts">Attempts per URL, the first included.</param>
/// <param name="FirstIntervalMs">The wait before the first retry; each further wait doubles it.</param>
public sealed record BatchRetry(int MaxAttempts, int FirstIntervalMs);

/// <summary>One URL's outcome: its counts, or why it failed.</summary>
public sealed record PageResult(string Url, long? Words, long? Bytes, string? Error)
{
    /// <summary>Why it failed, as <see cref="StoredText"/> bounds it: it may quote what an origin sent.</summary>
    public string? Error { get; init; } = StoredText.Bound(Error);
}

/// <summary>The gathered result of a completed batch.</summary>
/// <param name="TotalWords">Words in every page counted.</param>
/// <param name="Succeeded">Pages counted.</param>
/// <param name="Failed">Pages that failed.</param>
/// <param name="Pages">As the orchestration returns it: empty (the pages are in blobs), or every page for a batch started before slices.
/// As <c>GET /api/batches/{id}</c> answers it: the first page of results.</param>
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
