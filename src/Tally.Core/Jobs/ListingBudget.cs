namespace Tally.Jobs;

/// <summary>
/// The storage calls one page of a listing may make, and where the listing stopped when they ran out: whatever a
/// continuation token names and however sparse the index, a page costs at most <see cref="For"/> calls. A page that
/// runs out answers the jobs it found (perhaps none) and a token that goes on from where it stopped.
/// </summary>
public sealed class ListingBudget
{
    /// <summary>Calls for the index's hours beyond those of the jobs returned: the default window (two days) walked whole.</summary>
    public const int IndexCalls = 50;

    private ListingBudget(int calls) => Left = calls;

    /// <summary>Calls not yet spent.</summary>
    public int Left { get; private set; }

    /// <summary>Where the listing stopped for want of calls; null while it has not.</summary>
    public ListingCursor? StoppedAt { get; private set; }

    /// <summary>
    /// The budget of a page of <paramref name="limit"/> jobs: two calls a job (a query of its request's jobs in the status,
    /// and the read of that request's commit when its records are new) and <see cref="IndexCalls"/>.
    /// </summary>
    public static ListingBudget For(int limit) => new((2 * limit) + IndexCalls);

    /// <summary>Spends <paramref name="calls"/> if that many are left.</summary>
    public bool TrySpend(int calls = 1)
    {
        if (Left < calls)
        {
            return false;
        }

        Left -= calls;
        return true;
    }

    /// <summary>Records where the listing stopped (the first stop is the one that counts).</summary>
    public void StopAt(ListingCursor cursor) => StoppedAt ??= cursor;
}
