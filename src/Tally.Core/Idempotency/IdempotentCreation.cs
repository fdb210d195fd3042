using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tally.Jobs;
using Tally.Hosting;

namespace Tally.Idempotency;

/// <summary>
/// Creates a resource once per idempotency key: the first request writes the key's row (insert-only) naming the resource
/// before creating it, and a retry with the same content gets the first answer again once the resource exists.
/// </summary>
/// <remarks>
/// <para>
/// Creation is repeatable under the resource the row names (a job request's key, a batch's id), so a request that fails,
/// or dies, between writing the row and finishing leaves a retry that finishes the same resource: one set of jobs, one
/// batch, whatever failed where. While a request holds the key (<see cref="Lease"/>, given up at once when it fails) a
/// concurrent one with the key is told to ask again, so two requests never create at once.
/// </para>
/// <para>A row expires a result TTL after its first request: then the key may name a new request.</para>
/// </remarks>
public sealed partial class IdempotentCreation(IdempotencyStore store, IOptionsMonitor<JobsOptions> options, TimeProvider time, ILogger<IdempotentCreation> logger)
{
    /// <summary>How long a request holds its key while creating: longer than a creation takes when storage answers.</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    /// <summary>How many times a request reads a row that others keep changing before it stops and says so.</summary>
    private const int MaxLooks = 4;

    /// <summary>How long giving a failed request's key back may take.</summary>
    private static readonly TimeSpan ReleaseBudget = TimeSpan.FromSeconds(5);

    /// <summary>Creates the resource <paramref name="key"/> stands for, once.</summary>
    /// <typeparam name="T">The answer.</typeparam>
    /// <param name="key">The key, with what the request asks for.</param>
    /// <param name="resource">The resource a first request creates, chosen before anything is created, from the time (to the millisecond).</param>
    /// <param name="replay">The first answer, when the resource the row names exists; null when it does not (yet).</param>
    /// <param name="create">Creates the resource the row names (repeatable) and answers.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public async Task<Idempotent<T>> RunAsync<T>(
        IdempotencyKey key,
        Func<DateTimeOffset, (string ResourceId, DateTimeOffset? RunAt)> resource,
        Func<IdempotencyRecord, CancellationToken, Task<T?>> replay,
        Func<IdempotencyRecord, CancellationToken, Task<T>> create,
        CancellationToken cancellationToken)
        where T : class
    {
        var hash = key.Hash;
        for (var look = 0; look < MaxLooks; look++)
        {
            var now = Millisecond(time.GetUtcNow());
            var (resourceId, runAt) = resource(now);
            var first = new IdempotencyRecord(key.Fingerprint, resourceId, now, runAt, now + Lease, now + options.CurrentValue.ResultTtl, default);
            IdempotencyRecord? mine;
            try
            {
                mine = await store.TryAddAsync(hash, first, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                await ReleaseAsync(hash, first).ConfigureAwait(false); // its answer may be lost while it landed
                throw;
            }

            if (mine is null)
            {
                var held = await store.FindAsync(hash, cancellationToken).ConfigureAwait(false);
                if (held is null)
                {
                    continue; // purged meanwhile: add it again
                }

                if (held.ExpiresAt <= now)
                {
                    mine = await store.TryReplaceAsync(hash, first with { ETag = held.ETag }, cancellationToken).ConfigureAwait(false);
                }
                else if (held.Fingerprint != key.Fingerprint)
                {
                    return new Idempotent<T>(IdempotentOutcome.KeyReused);
                }
                else if (await replay(held, cancellationToken).ConfigureAwait(false) is { } answer)
                {
                    return new Idempotent<T>(IdempotentOutcome.Replayed, answer);
                }
                else if (held.LeaseUntil > now)
                {
                    return new Idempotent<T>(IdempotentOutcome.InProgress, RetryAfter: held.LeaseUntil - now);
                }
                else
                {
                    // Its request failed or died before the resource existed: finish the same resource.
                    mine = await store.TryReplaceAsync(hash, held with { LeaseUntil = now + Lease }, cancellationToken).ConfigureAwait(false);
                }

                if (mine is null)
                {
                    continue; // another request changed the row meanwhile: read it again
                }
            }

            try
            {
                return new Idempotent<T>(IdempotentOutcome.Created, await create(mine, cancellationToken).ConfigureAwait(false));
            }
            catch
            {
                await ReleaseAsync(hash, mine).ConfigureAwait(false);
                throw;
            }
        }

        return new Idempotent<T>(IdempotentOutcome.InProgress, RetryAfter: Lease); // the row keeps changing under us: others are at it
    }

    /// <summary>Times kept to the millisecond: what the table keeps, so a replayed answer is the first one exactly.</summary>
    private static DateTimeOffset Millisecond(DateTimeOffset time) => DateTimeOffset.FromUnixTimeMilliseconds(time.ToUnixTimeMilliseconds());

    /// <summary>Gives the key back after a failed creation, so a retry need not wait out the lease; if that fails too, the lease ends it.</summary>
    private async Task ReleaseAsync(string hash, IdempotencyRecord held)
    {
        using var budget = new CancellationTokenSource(ReleaseBudget);
        try
        {
            var current = await store.FindAsync(hash, budget.Token).ConfigureAwait(false);
            if (current is not null && current.ResourceId == held.ResourceId && current.LeaseUntil == held.LeaseUntil)
            {
                await store.TryReplaceAsync(hash, current with { LeaseUntil = Millisecond(time.GetUtcNow()) }, budget.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (StorageTrouble.IsOrCanceled(ex))
        {
            LogReleaseFailed(ex, held.ResourceId);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The idempotency key of {ResourceId} could not be given back after its creation failed; a retry can take it over once its lease ends")]
    private partial void LogReleaseFailed(Exception ex, string resourceId);
}
