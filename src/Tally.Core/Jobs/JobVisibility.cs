using Azure.Data.Tables;

namespace Tally.Jobs;

/// <summary>
/// The one rule of what the API can see: a record is visible once its request committed (the record is
/// <see cref="JobEntity.Dispatched"/>, or its request's commit row says so), until it expires. Every read of the job
/// store, the job service and the state machine ask it here.
/// </summary>
public static class JobVisibility
{
    /// <summary>Whether the API can see <paramref name="job"/> at <paramref name="now"/> (its commit already resolved, <see cref="Resolve"/>).</summary>
    public static bool IsVisible(JobEntity job, DateTimeOffset now) => job.Dispatched && !IsExpired(job, now);

    /// <summary>Whether <paramref name="job"/>'s result has expired at <paramref name="now"/>.</summary>
    public static bool IsExpired(JobEntity job, DateTimeOffset now) => job.ExpiresAt <= now;

    /// <summary>Whether a record is dispatched: its own flag says so, or its request was <paramref name="committed"/>.</summary>
    public static bool IsDispatched(bool dispatched, bool committed) => dispatched || committed;

    /// <summary>An undispatched record of a committed request is dispatched, expiring no sooner than the commit says.</summary>
    public static void Resolve(JobEntity job, DateTimeOffset? commit)
    {
        if (!job.Dispatched && commit is { } expiresAt)
        {
            job.Dispatched = true;
            job.ExpiresAt = job.ExpiresAt > expiresAt ? job.ExpiresAt : expiresAt;
        }
    }

    /// <summary>
    /// The part of a query that keeps the records that may be visible at <paramref name="now"/>: undispatched ones (their
    /// request's commit decides) and unexpired ones. What it keeps is then resolved and checked by <see cref="IsVisible"/>.
    /// </summary>
    public static string MayBeVisible(DateTimeOffset now) => TableClient.CreateQueryFilter($"(Dispatched eq {false} or ExpiresAt gt {now})");
}
