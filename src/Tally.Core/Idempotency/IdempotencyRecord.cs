using Azure;

namespace Tally.Idempotency;

/// <summary>
/// What an idempotency key holds: the request it was first sent with (its fingerprint), the resource that request
/// creates, chosen before anything is created (a job request's key, a batch's id), and who is creating it until when.
/// </summary>
/// <param name="Fingerprint">What the first request asked for.</param>
/// <param name="ResourceId">The request key the first request creates under (a batch's id is made of it); a retry creates the same.</param>
/// <param name="CreatedAt">When the first request was made (to the millisecond): its answer's time.</param>
/// <param name="RunAt">When its jobs are due, as the first request resolved it (a <c>delay</c> counts from the first request).</param>
/// <param name="LeaseUntil">Until when a request is creating the resource; a retry before then is told to wait.</param>
/// <param name="ExpiresAt">When the key may be used for another request (the result TTL after the first).</param>
/// <param name="ETag">The row's version as read.</param>
public sealed record IdempotencyRecord(
    string Fingerprint, string ResourceId, DateTimeOffset CreatedAt, DateTimeOffset? RunAt, DateTimeOffset LeaseUntil, DateTimeOffset ExpiresAt, ETag ETag);

/// <summary>How an idempotent creation went.</summary>
/// <typeparam name="T">The answer.</typeparam>
/// <param name="Outcome">What happened.</param>
/// <param name="Answer">The first answer (created now, or replayed); null when refused.</param>
/// <param name="RetryAfter">For <see cref="IdempotentOutcome.InProgress"/>, when to ask again.</param>
public sealed record Idempotent<T>(IdempotentOutcome Outcome, T? Answer = default, TimeSpan RetryAfter = default);

/// <summary>The outcomes of an idempotent creation.</summary>
public enum IdempotentOutcome
{
    /// <summary>This request created the resource.</summary>
    Created,

    /// <summary>An earlier request with the key and the same content created it: its answer again.</summary>
    Replayed,

    /// <summary>The key was first sent with another request: nothing was done.</summary>
    KeyReused,

    /// <summary>A request with the key is creating the resource right now: nothing was done, ask again later.</summary>
    InProgress,
}
