using Tally.Callbacks;
using Tally.Idempotency;

namespace Tally.Jobs;

/// <summary><c>POST /api/jobs</c> with an <c>Idempotency-Key</c>: the request's jobs are created once, under the request key its first try chose.</summary>
public sealed class IdempotentEnqueue(JobService jobs, JobRequests requests, IdempotentCreation creation)
{
    /// <summary>Enqueues <paramref name="urls"/> once for <paramref name="key"/>, with <paramref name="callback"/> if any; a retry gets the first answer.</summary>
    /// <remarks>A retry creates the same jobs under the same ids, so their callbacks are owed once a job, not once a try.</remarks>
    public Task<Idempotent<IReadOnlyList<Job>>> EnqueueAsync(
        IdempotencyKey key, IReadOnlyList<Uri> urls, DateTimeOffset? runAt, CallbackTarget? callback, CancellationToken cancellationToken) =>
        creation.RunAsync<IReadOnlyList<Job>>(
            key,
            now => (JobIds.NewKey(runAt > now ? runAt.Value : now), runAt), // a delayed request's key carries its due time
            async (held, ct) => await requests.IsCommittedAsync(held.ResourceId, ct).ConfigureAwait(false)
                ? jobs.Accepted(urls, held.RunAt, held.ResourceId, held.CreatedAt, callback)
                : null,
            (held, ct) => jobs.EnqueueAsync(urls, held.RunAt, held.ResourceId, held.CreatedAt, ct, callback),
            cancellationToken);
}
