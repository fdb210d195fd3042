using Tally.Jobs;

namespace Tally.Batches;

/// <summary>
/// A batch's input: how many URLs (they are in blobs, <see cref="BatchStore"/>), how many to fetch at once, the retry
/// policy, and how large a slice is. Everything replay depends on travels here, so a change of settings never reaches a
/// batch in flight.
/// </summary>
/// <remarks>An input with <see cref="SliceSize"/> 0 was written by a version before slices: such a batch fails (<see cref="BatchOrchestration.StartedBeforeSlices"/>).</remarks>
/// <param name="MaxParallelism">The most fetches in flight at once, across the whole batch.</param>
/// <param name="Retry">How transient failures are retried.</param>
/// <param name="SliceSize">The URLs one slice activity fetches.</param>
/// <param name="UrlCount">How many URLs the batch has.</param>
/// <param name="GenerationSize">How many slices one generation of the orchestration starts before it continues as new.</param>
/// <param name="Carried">Where the previous generation left off; null in the first.</param>
/// <param name="CallbackUrl">Where to call when the batch ends; null for nowhere.</param>
public sealed record BatchRequest(
    int MaxParallelism, BatchRetry Retry, int SliceSize, int UrlCount, int GenerationSize, BatchCarry? Carried = null, string? CallbackUrl = null);

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
/// <param name="Pages">As the orchestration returns it: empty (the pages are in blobs). As <c>GET /api/batches/{id}</c> answers it: the first page of results.</param>
public sealed record BatchResult(long TotalWords, int Succeeded, int Failed, IReadOnlyList<PageResult> Pages);

/// <summary>A running batch's progress, published as the orchestration's custom status.</summary>
public sealed record BatchProgress(int Done, int Total, int Failed);
